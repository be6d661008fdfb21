package dev.ragback.app;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VersionsTest {
    @Test
    void majorReadsTheLeadingNumber() {
        assertEquals(15, Versions.major("15.18"));
        assertEquals(16, Versions.major("16beta1"));
        assertEquals(9, Versions.major("9.6.24"));
        assertThrows(IllegalArgumentException.class, () -> Versions.major("unknown"));
    }

    @Test
    void semanticOrderComparesNumbersAsNumbers() {
        java.util.List<String> versions = new java.util.ArrayList<>(java.util.List.of("v1.10.0", "v2.0.0", "v1.1.0", "v1.0.0", "v1.2.0-rc1"));
        versions.sort(Versions.SEMANTIC);
        assertEquals(java.util.List.of("v1.0.0", "v1.1.0", "v1.2.0-rc1", "v1.10.0", "v2.0.0"), versions);
        assertEquals(0, Versions.SEMANTIC.compare("v1.0.0", "v1.0.0"));
        assertEquals(true, Versions.SEMANTIC.compare("1.9.0", "v1.10.0") < 0);
    }
}
