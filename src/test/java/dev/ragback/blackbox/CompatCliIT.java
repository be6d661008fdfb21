package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compat commands through bin/ragback, run from a directory holding the shipped matrix. */
@BlackBox
class CompatCliIT {
    private static final String HEADER = "| Binary Version | Schema Version | Qdrant Collection | Status |\n|---|---|---|---|\n";

    @TempDir
    Path work;

    private RagbackCli cli;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        cli = RagbackCli.create().workDir(work);
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1];
    }

    @Test
    void incompatibleTriplePrintsIncompatibleAndExits3() {
        RagbackCli.Result result = cli.run("compat", "check", "--binary", "v2.0.0", "--schema", "v1.1.0", "--collection", "rag_main_v2");
        assertEquals(3, result.exitCode(), result.stderr());
        assertEquals("INCOMPATIBLE  (v2.0.0, v1.1.0, rag_main_v2)", result.stdout().strip());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: compat check: (v2.0.0, v1.1.0, rag_main_v2) is INCOMPATIBLE"));
        assertFalse(result.stderr().contains("Exception"), result.stderr());
    }

    @Test
    void warnRowExits0WithAWarning() {
        RagbackCli.Result result = cli.run("compat", "check", "--binary", "v1.1.0", "--schema", "v1.0.0", "--collection", "rag_main_v1");
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().startsWith("WARN"));
        assertTrue(result.stderr().contains("warning:"), result.stderr());
    }

    @Test
    void unlistedTripleExits0UnderCheckAnd3UnderGate() {
        String[] triple = {"--binary", "v3.0.0", "--schema", "v1.1.0", "--collection", "rag_main_v2"};
        RagbackCli.Result check = cli.run(args("check", triple));
        assertEquals(0, check.exitCode(), check.stderr());
        assertTrue(check.stdout().startsWith("UNKNOWN"));
        assertTrue(check.stderr().contains("not listed in the matrix"));
        RagbackCli.Result gate = cli.run(args("gate", triple));
        assertEquals(3, gate.exitCode());
        assertTrue(lastLine(gate.stderr()).contains("is UNKNOWN (not in the matrix)"), gate.stderr());
    }

    @Test
    void jsonIsOneObjectOnStdout() throws IOException {
        RagbackCli.Result result = cli.run("--json", "compat", "check", "--binary", "v1.1.0", "--schema", "v1.1.0", "--collection", "rag_main_v2");
        assertEquals(0, result.exitCode(), result.stderr());
        JsonNode json = new ObjectMapper().readTree(result.stdout());
        assertTrue(json.isObject());
        assertEquals("OK", json.get("status").asText());
        assertTrue(json.get("passed").asBoolean());
        assertEquals(12, json.get("line").asInt());
    }

    @Test
    void shortRowExits2NamingTheLine() throws IOException {
        Files.writeString(work.resolve("compat/matrix.md"), HEADER + "| v1.0.0 | v1.0.0 | rag_main_v1 | ✅ OK |\n| v1.1.0 | rag_main_v1 | ✅ OK |\n");
        RagbackCli.Result result = cli.run("compat", "lint");
        assertEquals(2, result.exitCode());
        assertEquals("ragback: " + work.resolve("compat/matrix.md") + ":4: expected 4 cells, found 3 — fix the line, then run: ragback compat lint",
                lastLine(result.stderr()));
    }

    @Test
    void unknownStatusWordExits2NamingTheLine() throws IOException {
        Files.writeString(work.resolve("compat/matrix.md"), HEADER + "| v1.0.0 | v1.0.0 | rag_main_v1 | 🟡 MAYBE |\n");
        RagbackCli.Result result = cli.run("compat", "check", "--binary", "v1.0.0", "--schema", "v1.0.0", "--collection", "rag_main_v1");
        assertEquals(2, result.exitCode());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: " + work.resolve("compat/matrix.md") + ":3: unknown status"), result.stderr());
    }

    @Test
    void tripleListedTwiceWithDifferentStatusesExits2NamingTheLine() throws IOException {
        Files.writeString(work.resolve("compat/matrix.md"),
                HEADER + "| v1.0.0 | v1.0.0 | rag_main_v1 | ✅ OK |\n| v1.0.0 | v1.0.0 | rag_main_v1 | ❌ INCOMPATIBLE |\n");
        RagbackCli.Result result = cli.run("compat", "gate", "--binary", "v1.0.0", "--schema", "v1.0.0", "--collection", "rag_main_v1");
        assertEquals(2, result.exitCode());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: " + work.resolve("compat/matrix.md") + ":4: triple (v1.0.0, v1.0.0, rag_main_v1) is listed again"),
                result.stderr());
    }

    @Test
    void usageErrorShowsTheSynopsisAndExits2() {
        RagbackCli.Result result = cli.run("compat", "chek");
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().startsWith("Usage: ragback compat"), result.stderr());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: unknown command 'chek'"), result.stderr());
    }

    @Test
    void runsFromAnyDirectoryWithVersionAndHelp() {
        cli.process(); // the launcher script, from any directory: its exit code and streams
        RagbackCli.Result version = cli.workDir(Path.of("/")).run("--version");
        assertEquals(0, version.exitCode(), version.stderr());
        assertTrue(version.stdout().startsWith("ragback 0.1.0"), version.stdout());
        RagbackCli.Result help = cli.run("--help");
        assertTrue(help.stdout().contains("Exit codes:") && help.stdout().contains("130"), help.stdout());
    }

    private static String[] args(String command, String[] triple) {
        String[] out = new String[triple.length + 2];
        out[0] = "compat";
        out[1] = command;
        System.arraycopy(triple, 0, out, 2, triple.length);
        return out;
    }
}
