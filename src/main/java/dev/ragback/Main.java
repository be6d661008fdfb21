package dev.ragback;

import dev.ragback.cli.Cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Entry point. Tests call {@link #run(PrintWriter, PrintWriter, Map, String...)} in-process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        // a signal before the command runs gets the JVM's default (exit 130/143): say so instead of going silent
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished.get() && !Cli.commandStarted()) {
                err.println("ragback: stopped by a signal while starting; nothing was run");
                err.flush();
            }
        }, "ragback-start-signal"));
        int code = Cli.execute(out, err, System.getenv(), System.console() != null, stderrIsTerminal(), args);
        finished.set(true);
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

    /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        return Cli.execute(out, err, env, System.console() != null, args);
    }
}
