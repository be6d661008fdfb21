package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** make drill's script (ops/drill/drill.sh) as {@link DrillIT} and {@link ClusterDrillIT} run it: as a user would. */
final class DrillScript {
    private DrillScript() {
    }

    /**
     * bash ops/drill/drill.sh without this JVM's PG*, QDRANT* and DOCKER_HOST variables, with a plain PATH and {@code env};
     * stdout and stderr into {@code io}. Returns its exit code and output.
     */
    static String[] run(Map<String, String> env, Path io) throws Exception {
        Path script = RagbackCli.projectDir().resolve("ops/drill/drill.sh");
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString())).redirectErrorStream(true)
                .redirectOutput(io.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("QDRANT") || k.equals("DOCKER_HOST"));
        builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "drill did not finish");
        return new String[] {String.valueOf(process.exitValue()), Files.readString(io, StandardCharsets.UTF_8)};
    }
}
