package dev.ragback.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one run of ragback gets from whoever starts it: everything it may read or write of the outside
 * world. The launcher passes the process's own; a test passes its own, to run the CLI inside its JVM.
 *
 * @param env              the environment (never the JVM's own, read elsewhere)
 * @param workDir          the directory relative paths and the config search start from
 * @param terminal         true when a person sits at a terminal (stdin and stdout are a TTY)
 * @param progressTerminal true when stderr is a terminal: progress is drawn there
 * @param answers          reads one line typed at that terminal, {@code null} at end of input
 * @param ownsProcess      true when the run is the whole process: only then it handles SIGINT/SIGTERM and adds shutdown hooks
 */
public record Invocation(PrintWriter out, PrintWriter err, Map<String, String> env, Path workDir, boolean terminal,
                         boolean progressTerminal, Supplier<String> answers, boolean ownsProcess) {
    public Invocation {
        env = Map.copyOf(env);
        workDir = workDir.toAbsolutePath().normalize();
    }
}
