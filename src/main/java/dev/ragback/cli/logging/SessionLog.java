package dev.ragback.cli.logging;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * Where log lines go: the stderr of the invocation that runs on this thread (or started it), at the
 * level of its -q/-v/-vv. Threads a run starts inherit it; so one JVM can run several invocations,
 * one after another or side by side, each logging to its own stderr.
 */
public final class SessionLog {
    /** Levels, most severe first. */
    public enum Level { ERROR, WARN, INFO, DEBUG, TRACE }

    record Sink(PrintWriter err, Supplier<Level> level) {
    }

    private static final InheritableThreadLocal<Sink> CURRENT = new InheritableThreadLocal<>();
    private static volatile Sink processSink;

    private SessionLog() {
    }

    /**
     * Logs of this thread, and of the threads it starts from now on, go to {@code err} at the level {@code level}
     * gives at the time (it changes once options are parsed); returns what it replaces.
     */
    public static Object attach(PrintWriter err, Supplier<Level> level) {
        Sink previous = CURRENT.get();
        CURRENT.set(new Sink(err, level));
        return previous;
    }

    /** Undoes {@link #attach}: {@code previous} is what it returned. */
    public static void restore(Object previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set((Sink) previous);
        }
    }

    /** The process's own stderr, for threads no invocation started (the JVM's signal threads); only the launcher sets it. */
    public static void processFallback(PrintWriter err) {
        processSink = new Sink(err, () -> Level.WARN);
    }

    static Sink sink() {
        Sink sink = CURRENT.get();
        return sink != null ? sink : processSink;
    }

    static boolean enabled(Level level) {
        Sink sink = sink();
        return sink != null && level.ordinal() <= sink.level().get().ordinal();
    }
}
