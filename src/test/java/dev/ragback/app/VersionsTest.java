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
}
