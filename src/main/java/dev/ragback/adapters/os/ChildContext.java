package dev.ragback.adapters.os;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where and with what environment ragback starts other programs: the invocation's working directory
 * and environment, never the JVM's (a test runs the CLI inside its own JVM with an isolated environment).
 *
 * @param workDir the directory children start in
 * @param env     the whole environment children get (before any per-program changes)
 */
public record ChildContext(Path workDir, Map<String, String> env) {
    public ChildContext {
        env = Map.copyOf(env);
    }

    /** This JVM's directory and environment: for the process entry point and adapter tests. */
    public static ChildContext ofThisProcess() {
        return new ChildContext(Path.of("").toAbsolutePath(), System.getenv());
    }

    /** A builder for {@code argv} that starts in {@link #workDir} with exactly {@link #env}. */
    public ProcessBuilder builder(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    /** PATH, for finding programs the way a shell in this environment would. */
    public String searchPath() {
        return env.get("PATH");
    }
}
