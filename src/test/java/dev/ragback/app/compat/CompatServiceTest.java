package dev.ragback.app.compat;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompatServiceTest {
    @TempDir
    Path dir;

    private CompatService service(String rows) throws IOException {
        Path file = dir.resolve("matrix.md");
        Files.writeString(file, MatrixParserTest.HEADER + rows);
        return new CompatService(file);
    }

    @Test
    void checkAndGateRules() throws IOException {
        CompatService service = service("| v1 | s1 | c1 | ✅ OK |\n| v2 | s1 | c1 | ⚠️ WARN |\n| v3 | s1 | c1 | ❌ INCOMPATIBLE |\n");

        CompatVerdict ok = service.check(new Triple("v1", "s1", "c1"));
        assertTrue(ok.passesCheck() && ok.passesGate());
        assertEquals(5, ok.line());

        CompatVerdict warn = service.check(new Triple("v2", "s1", "c1"));
        assertTrue(warn.passesCheck() && warn.passesGate());
        assertTrue(warn.warning().contains("WARN"));

        CompatVerdict incompatible = service.check(new Triple("v3", "s1", "c1"));
        assertFalse(incompatible.passesCheck() || incompatible.passesGate());

        CompatVerdict unknown = service.check(new Triple("v9", "s1", "c1"));
        assertEquals(CompatStatus.UNKNOWN, unknown.status());
        assertTrue(unknown.passesCheck());
        assertFalse(unknown.passesGate());
        assertTrue(unknown.warning().contains("not listed"));
    }

    @Test
    void repeatedRowsWithTheSameStatusAreWarnings() throws IOException {
        CompatMatrix report = service("| v1 | s1 | c1 | OK |\n| v1 | s1 | c1 | ✅ OK |\n").load();
        assertEquals(1, report.warnings().size());
        assertTrue(report.warnings().get(0).contains(":6:"), report.warnings().get(0));
    }

    @Test
    void missingMatrixIsAConfigurationError() {
        RagbackException e = assertThrows(RagbackException.class, () -> new CompatService(dir.resolve("none.md")).load());
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, e.kind());
        assertTrue(e.getMessage().contains("none.md not found"));
    }

    @Test
    void shippedMatrixHoldsTheRunbookTable() {
        Path shipped = Path.of(System.getProperty("ragback.project.dir", "."), "compat", "matrix.md");
        CompatService service = new CompatService(shipped);
        assertEquals(4, service.load().rows().size());
        assertTrue(service.load().warnings().isEmpty());
        assertEquals(CompatStatus.INCOMPATIBLE, service.check(new Triple("v2.0.0", "v1.1.0", "rag_main_v2")).status());
        assertEquals(CompatStatus.WARN, service.check(new Triple("v1.1.0", "v1.0.0", "rag_main_v1")).status());
    }
}
