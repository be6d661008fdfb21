package dev.ragback.adapters.eval;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.EvalRunner;
import dev.ragback.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CommandEvalRunner against small /bin/sh evaluators written to a temp dir. */
class CommandEvalRunnerTest {
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path script = Files.createTempFile(dir, "evaluator-", ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        return script;
    }

    private static EvalRunner.Output run(List<String> argv, int queries) {
        return new CommandEvalRunner(argv, GENEROUS).run(queries);
    }

    @Test
    void placeholdersAreSubstitutedAndTheOutputFileIsReadInsteadOfStdout() throws IOException {
        Path seen = dir.resolve("seen");
        Path evaluator = script("""
                echo "progress on stdout"
                echo "progress on stderr" >&2
                printf '%s\\n%s\\n' "$2" "$3" > "$1"
                printf '{"faithfulness": 0.84, "queries": %s}' "$2" > "${3#--out=}"
                """);
        EvalRunner.Output output = run(List.of("/bin/sh", evaluator.toString(), seen.toString(), "{queries}", "--out={output}"), 7);

        assertEquals("{\"faithfulness\": 0.84, \"queries\": 7}", output.text());
        assertEquals("{output} file", output.source());
        List<String> args = Files.readAllLines(seen);
        assertEquals("7", args.get(0));
        assertTrue(args.get(1).startsWith("--out=/") && args.get(1).endsWith("/output.json"), args.get(1));
        Path outputFile = Path.of(args.get(1).substring("--out=".length()));
        assertFalse(Files.exists(outputFile.getParent()), "the temp dir of {output} is removed afterwards");
    }

    @Test
    void withoutOutputPlaceholderStdoutIsTheResult() throws IOException {
        Path evaluator = script("echo 'noise' >&2\necho '[{\"faithfulness\": NaN}]'");
        EvalRunner.Output output = run(List.of("/bin/sh", evaluator.toString()), 20);
        assertEquals("[{\"faithfulness\": NaN}]\n", output.text());
        assertEquals("stdout", output.source());
    }

    @Test
    void nonZeroExitFailsWithTheTailOfStderr() throws IOException {
        Path evaluator = script("""
                echo 'line 1' >&2
                echo 'line 2' >&2
                echo 'Traceback (most recent call last):' >&2
                echo 'openai.RateLimitError: 429' >&2
                echo '{"faithfulness": 0.9}'
                exit 3""");
        RagbackException e = assertThrows(RagbackException.class, () -> run(List.of("/bin/sh", evaluator.toString()), 20));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("evaluator /bin/sh " + evaluator + " exited 3: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("line 2 | Traceback (most recent call last): | openai.RateLimitError: 429"), e.getMessage());
        assertFalse(e.getMessage().contains("line 1"), "only the last lines");
    }

    @Test
    void anOutputFileTheEvaluatorDidNotWriteIsAFailure() throws IOException {
        Path evaluator = script("echo '{\"faithfulness\": 0.9}'");
        RagbackException e = assertThrows(RagbackException.class,
                () -> run(List.of("/bin/sh", evaluator.toString(), "{output}"), 20));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("exited 0 but wrote nothing to its {output} file"), e.getMessage());
    }

    @Test
    void aProgramThatCannotStartFailsExternal() {
        Path missing = dir.resolve("no-such-evaluator");
        RagbackException e = assertThrows(RagbackException.class, () -> run(List.of(missing.toString(), "{queries}"), 20));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertEquals("cannot start the evaluator " + missing + ": error=2, No such file or directory", e.getMessage());
    }

    @Test
    void anUnknownPlaceholderOrAnEmptyCommandIsAConfigurationError() {
        RagbackException typo = assertThrows(RagbackException.class,
                () -> new CommandEvalRunner(List.of("python3", "eval.py", "--out", "{ouput}"), GENEROUS));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, typo.kind());
        assertEquals("eval.command has an unknown placeholder {ouput}", typo.getMessage());
        assertEquals(RagbackException.Kind.MALFORMED_INPUT,
                assertThrows(RagbackException.class, () -> new CommandEvalRunner(List.of(), GENEROUS)).kind());
        new CommandEvalRunner(List.of("python3", "-c", "print('{\"faithfulness\": 0.9}')"), GENEROUS);
    }

    @Test
    void describeNamesTheProgramAndItsScriptButNotTheArguments() {
        assertEquals("python3 ops/eval/quick_eval.py",
                new CommandEvalRunner(List.of("python3", "ops/eval/quick_eval.py", "--n", "{queries}"), GENEROUS).describe());
        assertEquals("/usr/local/bin/ragas-quick",
                new CommandEvalRunner(List.of("/usr/local/bin/ragas-quick", "--token-file", "/run/secret"), GENEROUS).describe());
    }

    @Test
    void aHangingEvaluatorIsKilledWithItsWholeTreeAfterTheTimeout() throws IOException {
        Path pids = dir.resolve("pids");
        // the evaluator, a child, and a grandchild under a second shell, all sleeping far past the timeout
        Path evaluator = script("""
                echo $$ >> "$1"
                sleep 300 &
                echo $! >> "$1"
                /bin/sh -c 'echo $$ >> "$1"; sleep 300 & echo $! >> "$1"; wait' grandparent "$1" &
                wait""");
        CommandEvalRunner runner = new CommandEvalRunner(List.of("/bin/sh", evaluator.toString(), pids.toString()), Duration.ofSeconds(1));

        RagbackException e = assertThrows(RagbackException.class, () -> runner.run(20));

        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("evaluator timed out after 1s"), e.getMessage());
        List<Long> tree = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertEquals(4, tree.size(), "the evaluator started its whole tree before the timeout: " + tree);
        for (long pid : tree) {
            assertFalse(Processes.running(pid), "process " + pid + " of the evaluator's tree is still running");
        }
    }
}
