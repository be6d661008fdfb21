package dev.ragback.blackbox;

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

/**
 * make drill's script, run as a user would, against the throwaway PostgreSQL and the Qdrant double. Its cluster mode
 * is in {@link ClusterDrillIT}.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class DrillIT {
    @TempDir
    Path scratch;

    /** One full drill with the default dataset, next to someone else's data: the whole story, and theirs untouched. */
    @Test
    void drillRunsTheWholeStoryAndLeavesSomeoneElsesDatabaseAndCollectionByteForByteUnchanged(PgDatabase db) throws Exception {
        db.execute("CREATE TABLE rag_chunks (id bigint PRIMARY KEY, content text); "
                + "INSERT INTO rag_chunks VALUES (1, 'theirs'), (2, 'also theirs'); "
                + "CREATE TABLE their_notes (note text); INSERT INTO their_notes VALUES ('keep me')");
        try (QdrantDouble qdrant = new QdrantDouble()) {
            qdrant.createCollection("rag_main_v1", 4, "Cosine");
            qdrant.upsertPoints("rag_main_v1", "[{\"id\": 424242, \"vector\": [1, 2, 3, 4], \"payload\": {\"owner\": \"them\"}}, "
                    + "{\"id\": 1, \"vector\": [4, 3, 2, 1], \"payload\": {\"owner\": \"them\"}}]");
            qdrant.createAlias("rag_main", "rag_main_v1");
            String dumpBefore = pgDump(db);
            List<String> pointsBefore = qdrant.pointLines("rag_main_v1");
            Map<String, String> aliasesBefore = qdrant.store().aliases();

            Map<String, String> env = new java.util.HashMap<>(db.env());
            env.put("QDRANT_URL", qdrant.url().toString());
            env.put("QDRANT_COLLECTION", "rag_main");
            env.put("DRILL_DIR", scratch.resolve("drill").toString());
            String[] result = DrillScript.run(env, scratch.resolve("out"));

            assertEquals("0", result[0], result[1]);
            assertTrue(result[1].contains("DIFFERENT: "), "the damage is shown before the rollback:\n" + result[1]);
            assertTrue(result[1].matches("(?s).*rollback rollback_\\d+ succeeded in .*"), result[1]);
            assertTrue(result[1].contains("ok: both stores match the set"), result[1]);
            assertTrue(result[1].contains("drill: done. Release: v1.0.0, traffic: 0 %"), result[1]);
            assertEquals(List.of(), qdrant.snapshotFiles(), "no snapshot file left on the Qdrant host: neither the"
                    + " server-side snapshot of snapshot create nor the copy Qdrant keeps of the restore's upload");
            java.util.regex.Matcher target = java.util.regex.Pattern
                    .compile("drill: PostgreSQL 127\\.0\\.0\\.1:\\d+/(ragback_drill_[0-9a-f]+) ").matcher(result[1]);
            assertTrue(target.find(), "the PostgreSQL target is printed first:\n" + result[1]);
            String drillDb = target.group(1);
            assertTrue(result[1].contains("drill: Qdrant " + qdrant.url() + ": collection " + drillDb + "_main_v1 behind alias "
                    + drillDb + "_main"), result[1]);
            assertTrue(result[1].indexOf("drill: Qdrant") < result[1].indexOf("[drill] a small RAG dataset"), result[1]);

            assertEquals(dumpBefore, pgDump(db), "someone else's database is byte-for-byte unchanged");
            assertEquals(pointsBefore, qdrant.pointLines("rag_main_v1"), "someone else's points are unchanged");
            assertEquals(aliasesBefore, qdrant.store().aliases(), "someone else's alias still points where it did");
            assertEquals(List.of("rag_main_v1"), qdrant.store().names(), "the drill removed its own collections");
            assertEquals(List.of(), db.rows("SELECT datname FROM pg_database WHERE datname = '" + drillDb + "'"),
                    "the drill dropped its own database");
        }
    }

    @Test
    void whenItCannotCreateItsOwnDatabaseItRefusesWithExit2(PgDatabase db) throws Exception {
        String role = "drill_nocreatedb_" + ProcessHandle.current().pid();
        db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "' NOCREATEDB");
        try (QdrantDouble qdrant = new QdrantDouble()) {
            String dumpBefore = pgDump(db);
            Map<String, String> env = new java.util.HashMap<>(db.env());
            env.put("PGUSER", role);
            env.put("PGPASSWORD", "pw-" + role);
            env.put("QDRANT_URL", qdrant.url().toString());
            Path drill = scratch.resolve("drill");
            env.put("DRILL_DIR", drill.toString());
            String[] result = DrillScript.run(env, scratch.resolve("out"));

            assertEquals("2", result[0], result[1]);
            assertTrue(result[1].matches("(?s).*drill: cannot create its own database ragback_drill_[0-9a-f]+ on .*"
                    + "permission denied to create database.*CREATEDB.*"), result[1]);
            assertEquals(dumpBefore, pgDump(db), "nothing was written into the database it was pointed at");
            assertEquals(List.of(), qdrant.store().names(), "nothing was made in Qdrant");
            assertFalse(Files.exists(drill), "a drill that failed early leaves no scratch directory");
            assertFalse(result[1].contains(" kept, "), result[1]);

            // its own temp directory, kept on request: the failure says where it is and how big
            env.remove("DRILL_DIR");
            env.put("DRILL_KEEP", "1");
            String[] kept = DrillScript.run(env, scratch.resolve("out-kept"));
            assertEquals("2", kept[0], kept[1]);
            java.util.regex.Matcher keptLine = java.util.regex.Pattern
                    .compile("(?m)^drill: scratch directory (/\\S+/ragback-drill\\.\\w+) kept, (\\d[\\d.,]*[KMG]?)$").matcher(kept[1]);
            assertTrue(keptLine.find(), kept[1]);
            Path keptDir = Path.of(keptLine.group(1));
            assertTrue(Files.isDirectory(keptDir), kept[1]);
            Files.delete(keptDir);
        } finally {
            db.execute("DROP ROLE " + role);
        }
    }

    private static String pgDump(PgDatabase db) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("pg_dump", "--no-password").redirectErrorStream(true);
        builder.environment().putAll(db.env());
        Process process = builder.start();
        String dump = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, dump);
        // newer pg_dump versions fence the script with a random \restrict key, different on each run
        return dump.replaceAll("(?m)^\\\\(un)?restrict .*$", "");
    }

    @Test
    void withoutQdrantItStopsWithOneClearLine() throws Exception {
        // where Docker runs, the drill starts its own Qdrant from ops/compose.yaml instead
        org.junit.jupiter.api.Assumptions.assumeFalse(dockerRuns(), "Docker is available here");
        String[] result = DrillScript.run(Map.of("DRILL_DIR", scratch.resolve("drill").toString()), scratch.resolve("out"));
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
