package dev.ragback.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code promtool check metrics} (Debian's prometheus package) on an exposition. Missing
 * promtool fails the test instead of skipping it: SPEC section 9 requires the output to pass it,
 * and .ci/run and the GitHub workflow install it.
 */
public final class Promtool {
    private Promtool() {
    }

    /** Fails unless promtool accepts {@code exposition} with exit 0 and no lint problem. */
    public static void assertPasses(String exposition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(executable(), "check", "metrics")).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool check metrics did not finish within 60s");
        }
        assertEquals(0, process.exitValue(), "promtool check metrics rejected the exposition:\n" + output + "\n---\n" + exposition);
        assertTrue(output.isBlank(), "promtool check metrics reported:\n" + output);
    }

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("promtool is not installed, so the metrics cannot be checked as SPEC section 9 requires: "
                + "install Debian's prometheus package (sudo apt-get install -y prometheus); .ci/run does this for you");
    }
}
