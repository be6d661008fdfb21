package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make drill's script, run as a user would, against the throwaway PostgreSQL and the Qdrant double. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class DrillIT {
    @TempDir
    Path scratch;

    private static String[] run(Map<String, String> env, Path io) throws Exception {
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

    @Test
    void drillRunsTheWholeStoryAndShowsBothStoresBack(PgDatabase db) throws Exception {
        try (QdrantDouble qdrant = new QdrantDouble()) {
            Map<String, String> env = new java.util.HashMap<>(db.env());
            env.put("QDRANT_URL", qdrant.url().toString());
            env.put("DRILL_DIR", scratch.resolve("drill").toString());
            String[] result = run(env, scratch.resolve("out"));
            assertEquals("0", result[0], result[1]);
            assertTrue(result[1].contains("DIFFERENT: "), "the damage is shown before the rollback:\n" + result[1]);
            assertTrue(result[1].matches("(?s).*rollback rollback_\\d+ succeeded in .*"), result[1]);
            assertTrue(result[1].contains("ok: both stores match the set"), result[1]);
            assertTrue(result[1].contains("drill: done. Release: v1.0.0, traffic: 0 %"), result[1]);
            assertEquals(List.of(), qdrant.snapshotFiles(), "no snapshot file left on the Qdrant host: neither the"
                    + " server-side snapshot of snapshot create nor the copy Qdrant keeps of the restore's upload");
        }
    }

    @Test
    void withoutPgVariablesItStartsAThrowawayPostgresqlAndStopsIt() throws Exception {
        try (QdrantDouble qdrant = new QdrantDouble()) {
            Path drill = scratch.resolve("drill");
            String[] result = run(Map.of("QDRANT_URL", qdrant.url().toString(), "DRILL_DIR", drill.toString(),
                    "DRILL_CHUNKS", "300"), scratch.resolve("out"));
            assertEquals("0", result[0], result[1]);
            assertTrue(result[1].contains("starting a throwaway PostgreSQL from the local binaries"), result[1]);
            assertTrue(result[1].contains("ok: both stores match the set"), result[1]);
            assertFalse(Files.exists(drill.resolve("pg/data/postmaster.pid")), "the throwaway cluster is stopped at the end");
            assertEquals(List.of(), qdrant.snapshotFiles(), "no snapshot file left on the Qdrant host");
        }
    }

    @Test
    void withoutQdrantItStopsWithOneClearLine() throws Exception {
        // where Docker runs, the drill starts its own Qdrant from ops/compose.yaml instead
        org.junit.jupiter.api.Assumptions.assumeFalse(dockerRuns(), "Docker is available here");
        String[] result = run(Map.of("DRILL_DIR", scratch.resolve("drill").toString()), scratch.resolve("out"));
        assertEquals("1", result[0], result[1]);
        String[] lines = result[1].strip().split("\\R");
        assertEquals(1, lines.length, "said first, and alone:\n" + result[1]);
        assertTrue(lines[lines.length - 1].startsWith("drill: a Qdrant is needed"), result[1]);
        assertTrue(lines[lines.length - 1].contains("QDRANT_URL="), result[1]);
    }

    private static boolean dockerRuns() {
        try {
            Process docker = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return docker.waitFor(20, TimeUnit.SECONDS) && docker.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }
}
