package dev.ragback.adapters.os;

import dev.ragback.app.RagbackException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program from an argv list (no shell) with a timeout and keeps what it printed. */
public final class CommandRun {
    private static final int TAIL_LINES = 5;
    private static final int TAIL_CHARS = 400;

    /**
     * What the program did.
     *
     * @param exitCode its exit code
     * @param stdout   everything it printed on stdout
     * @param stderr   everything it printed on stderr
     */
    public record Result(int exitCode, String stdout, String stderr) {

        /** The last lines of stderr on one line, for a failure message; empty when it printed nothing. */
        public String stderrTail() {
            List<String> lines = stderr.strip().lines().filter(line -> !line.isBlank()).toList();
            String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
            return tail.length() > TAIL_CHARS ? "…" + tail.substring(tail.length() - TAIL_CHARS) : tail;
        }
    }

    private CommandRun() {
    }

    /**
     * Runs {@code argv} with stdin from /dev/null. A program that cannot start or outlives
     * {@code timeout} (it and its children are killed) fails EXTERNAL; {@code what} names it in
     * messages, e.g. {@code traffic.command}.
     */
    public static Result run(String what, List<String> argv, Duration timeout) {
        return run(ChildContext.ofThisProcess(), what, argv, timeout);
    }

    /** As {@link #run(String, List, Duration)}, started in {@code context}'s directory with its environment. */
    public static Result run(ChildContext context, String what, List<String> argv, Duration timeout) {
        String program = argv.get(0);
        Path io = null;
        try {
            io = Files.createTempDirectory("ragback-run-");
            // files, not pipes: a grandchild that keeps a pipe open cannot block us, and nothing fills up
            Path out = io.resolve("stdout");
            Path err = io.resolve("stderr");
            Process process = context.builder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw RagbackException.external(what + " (" + program + ") did not finish within " + timeout.toSeconds()
                        + "s and was killed", "check that the program works when run by hand", null);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw RagbackException.external("cannot run " + what + " (" + program + "): " + e.getMessage(),
                    "check the program path in " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while running " + what, null, e);
        } finally {
            deleteQuietly(io);
        }
    }

    /** {@code template} with every {@code {name}} placeholder replaced by {@code value}. */
    public static List<String> fill(List<String> template, String name, String value) {
        String placeholder = "{" + name + "}";
        return template.stream().map(arg -> arg.replace(placeholder, value)).toList();
    }

    private static void deleteQuietly(Path io) {
        if (io == null) {
            return;
        }
        try (var files = Files.list(io)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(io);
        } catch (IOException ignored) {
            // a temp directory; the OS cleans it up eventually
        }
    }
}
