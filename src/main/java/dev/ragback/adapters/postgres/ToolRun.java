package dev.ragback.adapters.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived program from an argv list, with a timeout, and returns what it printed. */
final class ToolRun {
    private ToolRun() {
    }

    record Outcome(int exitCode, String output) {
    }

    /** Fails with IOException when the program cannot start or does not finish in time. */
    static Outcome run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        // output goes to a file, not a pipe, so a stray grandchild holding the pipe cannot block us
        Path output = Files.createTempFile("ragback-tool-", ".out");
        try {
            Process process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("no answer within " + timeout.toSeconds() + "s");
            }
            return new Outcome(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
