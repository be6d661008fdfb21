package dev.ragback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    private static final Path MATRIX = Path.of(System.getProperty("ragback.project.dir", "."), "compat", "matrix.md");
    private static final String USE_MATRIX = "--set=compat.matrix=" + MATRIX;

    @TempDir
    Path dir;

    @Test
    void versionAndHelp() {
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().matches("ragback \\d+\\.\\d+\\.\\d+\\R"), version.out());

        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Exit codes:"));
        for (String code : new String[] {"0", "1", "2", "3", "4", "5", "130"}) {
            assertTrue(help.out().matches("(?s).*\\R\\s+" + code + "\\s+\\S.*"), "exit code " + code + " missing from --help");
        }
        assertTrue(CliRun.of("compat", "check", "--help").out().contains("Exit codes:"), "subcommand help lists exit codes");
    }

    @Test
    void usageErrorsGiveUsageAndOneLineWithExit2() {
        CliRun unknown = CliRun.of("compat", "check", "--bogus");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("Usage: ragback compat check"), unknown.err());
        assertTrue(unknown.lastErrLine().startsWith("ragback: Unknown option: '--bogus'"), unknown.lastErrLine());
        assertFalse(unknown.err().contains("\tat "), "no stack trace");

        CliRun none = CliRun.of();
        assertEquals(2, none.exitCode());
        assertEquals("ragback: a command is required (see: ragback --help)", none.lastErrLine());

        CliRun noRelease = CliRun.of(USE_MATRIX, "--set", "release.dir=" + dir.resolve("no-releases"), "compat", "check",
                "--schema", "v1.0.0", "--collection", "rag_main_v1");
        assertEquals(2, noRelease.exitCode());
        assertEquals("ragback: live triple incomplete: binary unknown: no current release (see: ragback release list) — pass --binary V",
                noRelease.lastErrLine(), noRelease.err());
    }

    @Test
    void incompatibleTripleExits3() {
        CliRun run = CliRun.of(USE_MATRIX, "compat", "check", "--binary", "v2.0.0", "--schema", "v1.1.0", "--collection", "rag_main_v2");
        assertEquals(3, run.exitCode());
        assertTrue(run.out().startsWith("INCOMPATIBLE"), run.out());
        assertTrue(run.lastErrLine().contains("INCOMPATIBLE (matrix line"), run.err());
    }

    @Test
    void warnRowExits0WithAWarning() {
        CliRun run = CliRun.of(USE_MATRIX, "compat", "check", "--binary", "v1.1.0", "--schema", "v1.0.0", "--collection", "rag_main_v1");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("WARN"));
        assertTrue(run.err().contains("warning: (v1.1.0, v1.0.0, rag_main_v1) is marked WARN"), run.err());
    }

    @Test
    void unlistedTriplePassesCheckButFailsGate() {
        String[] triple = {"--binary", "v9.9.9", "--schema", "v1.0.0", "--collection", "rag_main_v1"};
        CliRun check = CliRun.of(concat(new String[] {USE_MATRIX, "compat", "check"}, triple));
        assertEquals(0, check.exitCode());
        assertTrue(check.err().contains("not listed"));
        CliRun gate = CliRun.of(concat(new String[] {USE_MATRIX, "compat", "gate"}, triple));
        assertEquals(3, gate.exitCode());
        assertTrue(gate.lastErrLine().contains("UNKNOWN"), gate.err());
        CliRun okGate = CliRun.of(USE_MATRIX, "compat", "gate", "--binary", "v1.1.0", "--schema", "v1.1.0", "--collection", "rag_main_v2_r20261128-031502");
        assertEquals(0, okGate.exitCode(), okGate.err());
    }

    @Test
    void jsonGivesOneObject() throws IOException {
        CliRun run = CliRun.of("compat", "check", "--json", USE_MATRIX, "--binary", "v2.0.0", "--schema", "v1.1.0", "--collection", "rag_main_v2");
        assertEquals(3, run.exitCode());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("INCOMPATIBLE", json.get("status").asText());
        assertFalse(json.get("passed").asBoolean());
        assertEquals(13, json.get("line").asInt());

        CliRun show = CliRun.of("--json", USE_MATRIX, "compat", "show");
        assertEquals(4, new ObjectMapper().readTree(show.out()).get("rows").size());

        CliRun lint = CliRun.of("--json", USE_MATRIX, "compat", "lint");
        assertTrue(new ObjectMapper().readTree(lint.out()).get("valid").asBoolean());
    }

    @Test
    void malformedMatrixExits2NamingTheLine() throws IOException {
        Path bad = dir.resolve("matrix.md");
        Files.writeString(bad, "| Binary Version | Schema Version | Qdrant Collection | Status |\n|---|---|---|---|\n| v1 | s1 | c1 | OK |\n| v1 | s1 | c1 | WARN |\n");
        CliRun run = CliRun.of("--set", "compat.matrix=" + bad, "compat", "lint");
        assertEquals(2, run.exitCode());
        assertTrue(run.lastErrLine().startsWith("ragback: " + bad + ":4: triple (v1, s1, c1) is listed again"), run.err());

        CliRun json = CliRun.of("--json", "--set", "compat.matrix=" + bad, "compat", "check", "--binary", "v1", "--schema", "s1", "--collection", "c1");
        assertEquals(2, json.exitCode());
        assertTrue(json.out().contains("\"exit_code\" : 2"), json.out());
    }

    @Test
    void badConfigExits2NamingKeyFileAndLine() throws IOException {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "qdrant:\n  url: http://localhost:6333\n  timout: 5s\n");
        CliRun run = CliRun.of("--config", config.toString(), "compat", "lint");
        assertEquals(2, run.exitCode());
        assertTrue(run.lastErrLine().startsWith("ragback: " + config + ":3: unknown key 'qdrant.timout'"), run.err());
    }

    @Test
    void quietHidesWarningsAndVeryVerboseShowsStackTraces() {
        CliRun quiet = CliRun.of("-q", USE_MATRIX, "compat", "check", "--binary", "v1.1.0", "--schema", "v1.0.0", "--collection", "rag_main_v1");
        assertEquals(0, quiet.exitCode());
        assertEquals("", quiet.err());

        CliRun plain = CliRun.of("--set", "qdrant.timeout=soon", "compat", "lint");
        assertEquals(2, plain.exitCode());
        assertFalse(plain.err().contains("\tat "), plain.err());
        CliRun traced = CliRun.of("-vv", "--set", "qdrant.timeout=soon", "compat", "lint");
        assertEquals(2, traced.exitCode());
        assertTrue(traced.err().contains("\tat dev.ragback.config.ConfigLoader"), traced.err());
        assertTrue(traced.lastErrLine().startsWith("ragback: --set qdrant.timeout: bad value 'soon'"), traced.lastErrLine());
    }

    @Test
    void badNamesFromOutsideExit2() {
        CliRun run = CliRun.of(USE_MATRIX, "compat", "check", "--binary", "../v1", "--schema", "v1", "--collection", "c");
        assertEquals(2, run.exitCode());
        assertTrue(run.lastErrLine().contains("binary version '../v1' is not allowed"), run.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void helpIsACommandAndAnUnknownOneIsNamedWithoutPicoclisIndex() {
        CliRun help = CliRun.of("help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().startsWith("Usage: ragback "), help.out());
        assertFalse(help.err().contains("Did you mean"), help.err());
        CliRun snapshotHelp = CliRun.of("help", "snapshot");
        assertTrue(snapshotHelp.out().startsWith("Usage: ragback snapshot "), snapshotHelp.out());

        CliRun typo = CliRun.of("snapshto");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().contains("ragback: unknown command 'snapshto' (see: ragback --help)"), typo.err());
        assertFalse(typo.err().contains("Unmatched argument"), typo.err());
        assertTrue(CliRun.of("-v", "snapshto").err().contains("Unmatched argument at index"), "the raw text behind -v");
    }
}
