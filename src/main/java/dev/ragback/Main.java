package dev.ragback;

import dev.ragback.cli.Cli;
import dev.ragback.cli.Invocation;
import dev.ragback.cli.logging.SessionLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point. The only place that reads the process's environment, working directory, console and
 * streams; tests call {@link #run} to run the CLI inside their own JVM.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        SessionLog.processFallback(err);
        // a signal the command does not handle itself (before it runs, or before or without its own clean stop) gets the
        // JVM's default (exit 130/143): say so instead of going silent
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished.get()) {
                err.println(Cli.commandStarted()
                        ? "ragback: stopped by a signal while the command ran, before it could stop cleanly; if it was changing"
                                + " something, check the stores with: ragback verify"
                        : "ragback: stopped by a signal while starting; nothing was run");
                err.flush();
            }
        }, "ragback-signal"));
        int code;
        try {
            code = Cli.execute(new Invocation(out, err, System.getenv(), Path.of("").toAbsolutePath(), System.console() != null,
                    stderrIsTerminal(), Main::readConsoleLine, true), args);
        } finally {
            finished.set(true); // an error escaping the command is not a signal
        }
        System.exit(code);
    }

    // System.console() looks at stdin and stdout only; progress belongs on stderr whenever a person watches it
    private static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    private static String readConsoleLine() {
        java.io.Console console = System.console();
        return console == null ? null : console.readLine();
    }

    /** Runs one command line in this JVM's working directory, with no terminal; never calls {@code System.exit}. */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        return run(out, err, env, Path.of("").toAbsolutePath(), new BufferedReader(java.io.Reader.nullReader()), false, args);
    }

    /**
     * Runs one command line as if started in {@code workDir} with {@code env}, confirmations read from {@code stdin}
     * ({@code terminal}: whether a person sits there), and returns its exit code. It installs no signal handler or
     * shutdown hook and never calls {@code System.exit}, so a test can run many in one JVM.
     */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, Path workDir, BufferedReader stdin,
                          boolean terminal, String... args) {
        return Cli.execute(new Invocation(out, err, env, workDir, terminal, false, () -> readLine(stdin), false), args);
    }

    private static String readLine(BufferedReader stdin) {
        try {
            return stdin.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
