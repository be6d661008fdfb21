package dev.ragback.adapters.eval;

import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.EvalRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link EvalRunner} that runs {@code eval.command}: an argv list, without a shell, where
 * {@code {queries}} becomes the number of queries and {@code {output}} a fresh file path that the
 * evaluator writes and ragback reads instead of its stdout. The evaluator inherits ragback's
 * environment (the place for its API keys) and working directory; its stderr goes to the log.
 */
public final class CommandEvalRunner implements EvalRunner {
    static final String QUERIES = "{queries}";
    static final String OUTPUT = "{output}";
    private static final Logger LOG = LoggerFactory.getLogger(CommandEvalRunner.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_]+}");
    private static final int STDERR_TAIL_LINES = 3;
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration STDERR_DRAIN_WAIT = Duration.ofSeconds(2);

    private final List<String> template;
    private final Duration timeout;
    private final dev.ragback.adapters.os.ChildContext context;

    public CommandEvalRunner(List<String> template, Duration timeout) {
        this(template, timeout, dev.ragback.adapters.os.ChildContext.ofThisProcess());
    }

    /** Fails MALFORMED_INPUT on an empty argv or a placeholder other than {queries} and {output}. */
    public CommandEvalRunner(List<String> template, Duration timeout, dev.ragback.adapters.os.ChildContext context) {
        if (template == null || template.isEmpty() || template.get(0).isBlank()) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "eval.command is empty",
                    "set eval.command to an argv list, e.g. [python3, ops/eval/quick_eval.py, --n, \"{queries}\", --out, \"{output}\"]");
        }
        for (String arg : template) {
            Matcher matcher = PLACEHOLDER.matcher(arg);
            while (matcher.find()) {
                if (!matcher.group().equals(QUERIES) && !matcher.group().equals(OUTPUT)) {
                    throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                            "eval.command has an unknown placeholder " + matcher.group(),
                            "eval.command knows only {queries} and {output}");
                }
            }
        }
        this.template = List.copyOf(template);
        this.timeout = timeout;
        this.context = context;
    }

    @Override
    public String describe() {
        // the program, plus its script when the program is an interpreter; never the whole argv
        String program = template.get(0);
        if (template.size() > 1 && !template.get(1).startsWith("-") && !template.get(1).contains("{")) {
            return program + " " + template.get(1);
        }
        return program;
    }

    @Override
    public Output run(int queries) {
        Path work = createWorkDir();
        try {
            return runIn(work, queries);
        } finally {
            deleteQuietly(work);
        }
    }

    private Output runIn(Path work, int queries) {
        Path outputFile = work.resolve("output.json");
        Path stdoutFile = work.resolve("stdout");
        boolean writesFile = template.stream().anyMatch(arg -> arg.contains(OUTPUT));
        List<String> argv = template.stream()
                .map(arg -> arg.replace(QUERIES, Integer.toString(queries)).replace(OUTPUT, outputFile.toString()))
                .toList();
        Process process = start(argv, stdoutFile);
        StderrPump stderr = StderrPump.start(process.getErrorStream(), LOG, describe(), STDERR_TAIL_LINES);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process.toHandle());
                throw new RagbackException(RagbackException.Kind.EXTERNAL,
                        "evaluator timed out after " + Durations.format(timeout) + " (" + describe() + ", killed with its child processes)",
                        "run eval.command by hand to see where it hangs (is the RAG service or the judge answering?), or raise eval.timeout");
            }
            stderr.await(STDERR_DRAIN_WAIT);
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while the evaluator ran; it was killed");
        }
        int exit = process.exitValue();
        if (exit != 0) {
            List<String> tail = stderr.tail();
            throw new RagbackException(RagbackException.Kind.EXTERNAL,
                    "evaluator " + describe() + " exited " + exit + (tail.isEmpty() ? " (no stderr)" : ": " + String.join(" | ", tail)),
                    "run with -v to see its whole stderr, or run eval.command by hand");
        }
        String stdout = read(stdoutFile);
        if (!writesFile) {
            return new Output(stdout, "stdout");
        }
        stdout.lines().forEach(line -> LOG.info("{} (stdout): {}", describe(), line));
        if (!Files.isRegularFile(outputFile)) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL,
                    "evaluator " + describe() + " exited 0 but wrote nothing to its {output} file",
                    "make the evaluator write its scores to the path given in place of {output}");
        }
        return new Output(read(outputFile), "{output} file");
    }

    private Process start(List<String> argv, Path stdoutFile) {
        LOG.info("running evaluator {} (timeout {})", describe(), Durations.format(timeout));
        try {
            return context.builder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    // a file, not a pipe: a grandchild left holding it cannot block us, and it never fills up
                    .redirectOutput(stdoutFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL,
                    "cannot start the evaluator " + describe() + ": "
                            + String.valueOf(e.getMessage()).replaceFirst("^Cannot run program \"[^\"]*\"[^:]*: ", ""),
                    "check eval.command: the program must exist and be executable (it runs without a shell)");
        }
    }

    /**
     * Kills the descendants first (once the root is gone they are re-parented and can no longer be
     * found from it), a few rounds in case the root forks meanwhile, then the root; waits for all.
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> killed = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<ProcessHandle> found = root.descendants().toList();
            if (found.isEmpty()) {
                break;
            }
            found.forEach(ProcessHandle::destroyForcibly);
            killed.addAll(found);
        }
        root.destroyForcibly();
        killed.add(root);
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        for (ProcessHandle handle : killed) {
            try {
                handle.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("evaluator process {} did not exit after SIGKILL", handle.pid());
            }
        }
    }

    private static Path createWorkDir() {
        try {
            // owner-only (0700 on POSIX): the scores may quote the pipeline's answers
            return Files.createTempDirectory("ragback-eval-");
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot create a temp dir for the evaluator: " + e.getMessage(),
                    "check that java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ") is writable");
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException | UncheckedIOException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot read the evaluator's output: " + e.getMessage(),
                    "make the evaluator write UTF-8 JSON");
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot delete {}: {}", root, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "CommandEvalRunner[" + describe() + ", timeout " + Durations.format(timeout) + "]";
    }
}
