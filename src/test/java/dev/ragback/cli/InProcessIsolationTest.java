package dev.ragback.cli;

import dev.ragback.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run inside a test's JVM sees only what Main.run gives it: the working directory (config search, relative
 * paths, where programs start), the environment (also the programs' whole environment) and stdin.
 */
class InProcessIsolationTest {
    @TempDir
    Path project;

    private record Run(int exitCode, String out, String err) {
    }

    private Run run(Path workDir, Map<String, String> env, String stdin, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, workDir, new BufferedReader(new StringReader(stdin)),
                terminal, args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theConfigIsFoundFromTheGivenDirectoryAndItsRelativePathsResolveAgainstTheProjectRoot() throws Exception {
        Files.createDirectories(project.resolve("ops"));
        Files.writeString(project.resolve("ops/ragback.yaml"), "traffic:\n  file: state/traffic\n");
        Path below = Files.createDirectories(project.resolve("services/api"));

        Run set = run(below, Map.of(), "", false, "traffic", "set", "0", "--yes");

        assertEquals(0, set.exitCode(), set.err());
        assertEquals("0", Files.readString(project.resolve("state/traffic")).strip());
        assertFalse(Files.exists(Path.of("state/traffic").toAbsolutePath()), "written relative to the JVM's directory");
    }

    @Test
    void programsRagbackRunsStartInTheGivenDirectoryWithExactlyTheGivenEnvironment() throws Exception {
        Path script = Files.writeString(project.resolve("lb.sh"), "pwd > seen.pwd; env > seen.env\n");
        Files.createDirectories(project.resolve("ops"));
        Files.writeString(project.resolve("ops/ragback.yaml"), "traffic:\n  mode: command\n  command: [\"sh\", \"" + script
                + "\", \"{percent}\"]\n");
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "ONLY_THIS_RUN", "yes");

        Run set = run(project, env, "", false, "traffic", "set", "0", "--yes");

        assertEquals(0, set.exitCode(), set.err());
        assertEquals(project.toRealPath().toString(), Files.readString(project.resolve("seen.pwd")).strip());
        List<String> names = Files.readAllLines(project.resolve("seen.env")).stream().map(line -> line.split("=", 2)[0])
                .filter(name -> !List.of("PWD", "SHLVL", "_").contains(name)).sorted().toList(); // sh adds these
        assertEquals(List.of("ONLY_THIS_RUN", "PATH"), names);
    }

    @Test
    void aConfirmationIsReadFromTheGivenStdinAtAGivenTerminal() throws Exception {
        Files.createDirectories(project.resolve("ops/state"));
        Files.writeString(project.resolve("ops/state/traffic"), "100\n");

        Run declined = run(project, Map.of(), "n\n", true, "traffic", "set", "0");
        Run confirmed = run(project, Map.of(), "y\n", true, "traffic", "set", "0");

        assertEquals(1, declined.exitCode(), declined.err());
        assertEquals(0, confirmed.exitCode(), confirmed.err());
        assertEquals("0", Files.readString(project.resolve("ops/state/traffic")).strip());
    }

    @Test
    void logLinesGoToTheRunsStderrAtItsLevel() {
        Run quiet = run(project, Map.of("QDRANT_URL", "http://127.0.0.1:1"), "", false, "-q", "doctor");
        Run verbose = run(project, Map.of("QDRANT_URL", "http://127.0.0.1:1"), "", false, "-vv", "doctor");

        assertFalse(quiet.err().lines().anyMatch(line -> line.startsWith("debug: ")), quiet.err());
        assertTrue(verbose.err().lines().anyMatch(line -> line.startsWith("debug: ") || line.startsWith("info: ")), verbose.err());
    }
}
