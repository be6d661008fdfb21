package dev.ragback.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Destructive commands ask on a terminal, refuse without one, and skip the question with --yes. */
class ConfirmationTest {
    @TempDir
    Path dir;

    private final List<String> questionsAnswered = new ArrayList<>();

    private record Run(int exitCode, String out, String err) {
        String lastErrLine() {
            String[] lines = err.strip().split("\\R");
            return lines[lines.length - 1];
        }
    }

    private Run run(boolean terminal, String answer, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--set", "traffic.file=" + dir.resolve("traffic"),
                // TaskDB on a closed port: the change must happen anyway, with a warning
                "--set", "taskdb.url=jdbc:postgresql://127.0.0.1:1/taskdb?user=ragback"));
        all.addAll(List.of(args));
        int code = Cli.execute(new PrintWriter(out), new PrintWriter(err), Map.of(), terminal, () -> {
            questionsAnswered.add(answer);
            return answer;
        }, all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private Path trafficFile() {
        return dir.resolve("traffic");
    }

    @Test
    void withoutATerminalAndWithoutYesItRefusesWithExit2() {
        Run run = run(false, "y", "traffic", "set", "0");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.lastErrLine().startsWith("ragback: refusing to change anything without --yes"), run.err());
        assertFalse(Files.exists(trafficFile()));
        assertEquals(List.of(), questionsAnswered, "nobody was asked");
    }

    @Test
    void onATerminalYesGoesAhead() throws IOException {
        Run run = run(true, "y", "traffic", "set", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("Set traffic to 0 % (file " + trafficFile() + ")? [y/N] "), run.err());
        assertEquals("0\n", Files.readString(trafficFile()));
        assertTrue(run.err().contains("warning: traffic is now 0 %, but TaskDB did not record the traffic_set event"), run.err());
        assertEquals("traffic: 100 % -> 0 % (file " + trafficFile() + ")\n", run.out());
    }

    @Test
    void onATerminalAnythingButYesChangesNothingWithExit1() {
        for (String answer : new String[] {"n", "", "yess", null}) {
            Run run = run(true, answer, "traffic", "set", "0");
            assertEquals(1, run.exitCode(), run.err());
            String refusal = "ragback: not confirmed; nothing changed — run it again and answer y, or add --yes";
            // a typed answer ends the prompt's line on a real terminal (this one does not echo); end of input gets a newline
            assertEquals(answer == null ? refusal : "Set traffic to 0 % (file " + trafficFile() + ")? [y/N] " + refusal,
                    run.lastErrLine(), run.err());
            assertFalse(Files.exists(trafficFile()));
        }
    }

    @Test
    void yesSkipsTheQuestion() throws IOException {
        Run run = run(true, "n", "traffic", "set", "100", "--yes");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(), questionsAnswered);
        assertEquals("100\n", Files.readString(trafficFile()));
    }

    @Test
    void revertAsksAfterShowingThePlanAndRefusesWithoutATerminal() throws IOException {
        Path releases = dir.resolve("releases");
        Files.createDirectories(releases.resolve("v1.0.0"));
        Files.createDirectories(releases.resolve("v2.0.0"));
        Files.writeString(releases.resolve("v1.0.0").resolve(".green"), "x");
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));
        // --force: the live schema and collection cannot be read here, and that is not what this test is about
        String[] revert = {"--set", "release.dir=" + releases, "--set", "postgres.port=1", "--set", "qdrant.url=http://127.0.0.1:1",
            "--set", "compat.matrix=" + dir.resolve("none.md"), "revert", "last-green", "--force"};

        Run refused = run(false, "y", revert);
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.out().startsWith("revert: v2.0.0 -> v1.0.0\n"), refused.out());
        assertEquals(Path.of("v2.0.0"), Files.readSymbolicLink(releases.resolve("current")));

        Run dryRun = run(false, "y", append(revert, "--dry-run"));
        assertEquals(0, dryRun.exitCode(), dryRun.err());
        assertTrue(dryRun.out().endsWith("dry run: nothing changed\n"), dryRun.out());
        assertEquals(Path.of("v2.0.0"), Files.readSymbolicLink(releases.resolve("current")));

        Run confirmed = run(true, "yes", revert);
        assertEquals(0, confirmed.exitCode(), confirmed.err());
        assertTrue(confirmed.err().contains("Activate release v1.0.0 (now v2.0.0)? [y/N] "), confirmed.err());
        assertEquals(Path.of("v1.0.0"), Files.readSymbolicLink(releases.resolve("current")));
    }

    private static String[] append(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
