package dev.ragback.testing.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs ragback with an isolated environment: only PATH, JAVA_HOME (when set), LANG=C.UTF-8, HOME (a
 * fresh temp dir) and what the test adds with {@link #env}. The working directory defaults to a fresh
 * temp dir. By default {@link #run} runs the CLI inside this JVM ({@code Main.run} with that environment,
 * directory and stdin: no JVM start-up); {@link #process()} runs {@code bin/ragback} as a child process,
 * black box, the way a user's shell would, for what only a process shows: the launcher, exit codes of
 * the real JVM, signals, kill -9, resource limits, argv seen by other processes. {@link #start} always
 * starts a process. Not thread-safe; one instance per test is the intended use.
 *
 * <pre>{@code
 * RagbackCli.Result result = RagbackCli.create().env(db.env()).run("doctor", "--json");
 * result.assertExit(0);
 * }</pre>
 */
public final class RagbackCli {
    /** System property naming the project directory; surefire and failsafe set it. */
    public static final String PROJECT_DIR_PROPERTY = "ragback.project.dir";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final int SIGINT = 2;
    // A shell runs `cmd &` with SIGINT ignored and the child inherits that, so a Ctrl-C test would
    // wait in vain: under such a shell the program starts through env(1) with SIGINT at its default.
    private static final List<String> INTERRUPTIBLE = interruptiblePrefix(procSelfStatus());

    private final Path executable;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path home;
    private Path workDir;
    private String stdin;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean pipes;
    private boolean process;

    /** Runs {@code executable} (any program) instead of {@code bin/ragback}; for testing this helper. */
    public RagbackCli(Path executable) {
        this.executable = executable.toAbsolutePath();
        this.process = true;
        String path = System.getenv("PATH");
        env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome);
        }
        env.put("LANG", "C.UTF-8");
    }

    /** Runs {@code <ragback.project.dir>/bin/ragback} (the current directory when the property is unset). */
    public static RagbackCli create() {
        RagbackCli cli = new RagbackCli(projectDir().resolve("bin").resolve("ragback"));
        cli.process = false;
        return cli;
    }

    /** Runs {@code bin/ragback} as a child process from now on (the built jar in its own JVM), not in this JVM. */
    public RagbackCli process() {
        this.process = true;
        return this;
    }

    public static Path projectDir() {
        return Path.of(System.getProperty(PROJECT_DIR_PROPERTY, "")).toAbsolutePath();
    }

    /** Sets one variable; {@code null} removes it (also PATH, LANG...). */
    public RagbackCli env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public RagbackCli env(Map<String, String> variables) {
        variables.forEach(this::env);
        return this;
    }

    public RagbackCli workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** Text fed to standard input; without it the program reads end-of-file at once. */
    public RagbackCli stdin(String text) {
        this.stdin = text;
        return this;
    }

    public RagbackCli timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /**
     * Collects stdout and stderr through pipes instead of files, for runs under a file size limit
     * ({@code prlimit --fsize}), which would apply to output files too and swallow the last line.
     */
    public RagbackCli pipes(boolean pipes) {
        this.pipes = pipes;
        return process();
    }

    /** The working directory runs use (created on first use when the test did not choose one). */
    public Path workDir() {
        if (workDir == null) {
            workDir = TempDirs.create("ragback-cli-work-");
        }
        return workDir;
    }

    /** The HOME runs see (a fresh temp dir unless the test set HOME). */
    public Path home() {
        if (env.containsKey("HOME")) {
            return Path.of(env.get("HOME"));
        }
        if (home == null) {
            home = TempDirs.create("ragback-cli-home-");
        }
        return home;
    }

    /** Runs the program with these arguments; a run that outlives the timeout is killed and fails the test. */
    public Result run(String... args) {
        return process ? runProcess(args) : runInProcess(args);
    }

    private Result runInProcess(String... args) {
        Map<String, String> runEnv = new LinkedHashMap<>();
        runEnv.put("HOME", home().toString());
        runEnv.putAll(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BufferedReader in = new BufferedReader(new StringReader(stdin == null ? "" : stdin));
        FutureTask<Integer> task = new FutureTask<>(() -> dev.ragback.Main.run(new PrintWriter(out), new PrintWriter(err),
                runEnv, workDir(), in, false, args));
        Thread thread = new Thread(task, "ragback-in-process");
        thread.start();
        try {
            int code = task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(code, out.toString(), err.toString());
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new AssertionError(describe(args) + " did not finish within " + timeout.toSeconds() + "s (interrupted)\n"
                    + new Result(-1, out.toString(), err.toString()));
        } catch (ExecutionException e) {
            throw new AssertionError(describe(args) + " threw instead of returning an exit code\n"
                    + new Result(-1, out.toString(), err.toString()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + describe(args), e);
        }
    }

    private Result runProcess(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(List.of(args));
        Path io = TempDirs.create("ragback-cli-io-");
        try {
            Path out = io.resolve("stdout");
            Path err = io.resolve("stderr");
            Path in = Files.writeString(io.resolve("stdin"), stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .directory(workDir().toFile())
                    .redirectInput(in.toFile())
                    // files, not pipes: a child that forks a daemon cannot block us, and nothing fills up
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().put("HOME", home().toString());
            builder.environment().putAll(env);
            if (pipes) {
                builder.redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE);
            }
            Process process = builder.start();
            Thread outPump = pipes ? pump(process.getInputStream(), out) : null;
            Thread errPump = pipes ? pump(process.getErrorStream(), err) : null;
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            if (pipes) {
                outPump.join(TimeUnit.SECONDS.toMillis(10));
                errPump.join(TimeUnit.SECONDS.toMillis(10));
            }
            Result result = new Result(finished ? process.exitValue() : -1, read(out), read(err));
            if (!finished) {
                throw new AssertionError(describe(args) + " did not finish within " + timeout.toSeconds() + "s (killed)\n" + result);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + describe(args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + describe(args), e);
        } finally {
            TempDirs.delete(io);
        }
    }

    /** Starts the program without waiting, for tests that interrupt or kill it; output goes to files under {@code io}. */
    public Process start(Path io, String... args) {
        List<String> argv = new ArrayList<>(INTERRUPTIBLE);
        argv.add(executable.toString());
        argv.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .directory(workDir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(io.resolve("stdout").toFile())
                    .redirectError(io.resolve("stderr").toFile());
            builder.environment().clear();
            builder.environment().put("HOME", home().toString());
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + describe(args) + ": " + e.getMessage(), e);
        }
    }

    static List<String> interruptiblePrefix(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                long ignored = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (ignored & (1L << (SIGINT - 1))) != 0 ? List.of("env", "--default-signal=INT") : List.of();
            }
        }
        return List.of();
    }

    private static String procSelfStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return "";
        }
    }

    private static Thread pump(java.io.InputStream from, Path to) {
        Thread thread = new Thread(() -> {
            try (java.io.InputStream in = from) {
                Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // the process is gone; what arrived is in the file
            }
        }, "ragback-cli-pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private String describe(String... args) {
        return executable.getFileName() + (args.length == 0 ? "" : " " + String.join(" ", args));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** What one run did. */
    public record Result(int exitCode, String stdout, String stderr) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        /** Fails with both streams in the message unless the exit code is {@code expected}. */
        public Result assertExit(int expected) {
            if (exitCode != expected) {
                throw new AssertionError("expected exit " + expected + " but got " + exitCode + "\n" + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }
}
