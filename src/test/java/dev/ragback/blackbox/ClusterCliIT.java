package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-node Qdrant cluster (the double's cluster mode): 6 shards, replication factor 2, through bin/ragback with
 * qdrant.nodes: shard sets, restores into a new collection behind the alias, verify shard by shard, refusals and a failing
 * shard upload. A node down or a replica never Active: ClusterNodeDownCliIT.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class ClusterCliIT {
    private static final ObjectMapper JSON = ClusterStage.JSON;
    private static final int POINTS = 300;

    @TempDir
    Path work;

    private ClusterStage stage;
    private PgDatabase db;

    @BeforeEach
    void setUp(PgDatabase db) throws Exception {
        this.db = db;
        stage = new ClusterStage(db, work, "v1.0.0", POINTS);
    }

    @AfterEach
    void tearDown() {
        stage.close();
    }

    @Test
    void createDamageRestoreVerifyGivesBackEveryPointAndPayload() throws Exception {
        stage.autoSharded();
        Map<Long, String> before = stage.qdrant.points("rag_main");
        String id = stage.golden();
        JsonNode sharding = stage.manifest(id).at("/qdrant/sharding");
        assertEquals(6, sharding.path("shards").size(), sharding.toString());
        assertEquals(2, sharding.path("replication_factor").asInt());
        assertTrue(sharding.path("payload_indexes").has("uri"), sharding.toString());
        RagbackCli.Result shardsBefore = stage.cli.run("qdrant", "shards").assertExit(0);

        stage.qdrant.delete("rag_main_v2", 1, 2, 3, 150);
        stage.qdrant.setPayload("rag_main_v2", 10, "doc://tampered");
        stage.cli.run("verify").assertExit(3);
        db.execute("DELETE FROM rag_chunks WHERE id % 7 = 0");
        RagbackCli.Result restored = stage.cli.run("snapshot", "restore", "--yes").assertExit(0); // both stores: the two-phase restore
        assertEquals("rag_main_v2_r" + id, stage.qdrant.aliasTarget("rag_main"), restored.stdout());
        assertTrue(restored.stdout().contains("create rag_main_v2_r" + id + " on the cluster (6 shards, replication factor 2)"),
                restored.stdout());
        assertEquals(before, stage.qdrant.points("rag_main"));
        RagbackCli.Result verified = stage.cli.run("verify").assertExit(0);
        assertTrue(verified.stdout().contains("shard 0"), verified.stdout());
        RagbackCli.Result shardsAfter = stage.cli.run("qdrant", "shards").assertExit(0);
        assertTrue(shardsAfter.stdout().contains("rag_main -> rag_main_v2_r" + id), shardsAfter.stdout());
        assertTrue(shardsBefore.stdout().contains("rag_main -> rag_main_v2\n"), shardsBefore.stdout());
        JsonNode json = JSON.readTree(stage.cli.run("--json", "qdrant", "shards").assertExit(0).stdout());
        assertEquals(6, json.path("shards").size());
        assertEquals(3, json.path("peers").size());
        long total = 0;
        for (JsonNode shard : json.path("shards")) { // every replica counted exactly on its own node
            assertEquals(2, shard.path("replicas").size(), shard.toString());
            for (JsonNode replica : shard.path("replicas")) {
                assertEquals(shard.path("points_count").asLong(), replica.path("points_count").asLong(), shard.toString());
            }
            total += shard.path("points_count").asLong();
        }
        assertEquals(POINTS, total);
        System.out.println("qdrant shards before the restore:\n" + shardsBefore.stdout() + "\nafter:\n" + shardsAfter.stdout());
    }

    @Test
    void customShardingWithTwoKeysRestoresEveryKeysPoints() throws Exception {
        stage.qdrant.createCollection("rag_main_v2", 2, 2, true);
        stage.qdrant.createShardKey("rag_main_v2", "eu");
        stage.qdrant.createShardKey("rag_main_v2", "us");
        stage.qdrant.awaitActive("rag_main_v2");
        stage.qdrant.upsert("rag_main_v2", 1, 151, "eu");
        stage.qdrant.upsert("rag_main_v2", 151, POINTS + 1, "us");
        stage.qdrant.alias("rag_main", "rag_main_v2");
        Map<Long, String> before = stage.qdrant.points("rag_main");
        String id = stage.golden();
        JsonNode sharding = stage.manifest(id).at("/qdrant/sharding");
        assertEquals("custom", sharding.path("sharding_method").asText());
        assertEquals("[\"eu\",\"us\"]", sharding.path("shard_keys").toString());
        assertEquals(4, sharding.path("shards").size());
        stage.qdrant.delete("rag_main_v2", 5, 200);
        stage.cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(0);
        assertEquals(before, stage.qdrant.points("rag_main"));
        stage.cli.run("verify").assertExit(0);
    }

    @Test
    void aFailingShardUploadDropsTheNewCollection() throws Exception {
        stage.autoSharded();
        String id = stage.golden();
        stage.cluster.failShardUpload("rag_main_v2_r" + id, 4);
        stage.cluster.failShardUpload("rag_main_v2_r" + id, 4); // both replicas' peers: ragback tries the other one
        RagbackCli.Result failed = stage.cli.run("snapshot", "restore", "--only", "qdrant", "--yes");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.stderr().contains("shard 4"), failed.stderr());
        assertEquals("rag_main_v2", stage.qdrant.aliasTarget("rag_main"));
        assertFalse(stage.qdrant.collections().contains("rag_main_v2_r" + id), stage.qdrant.collections().toString());
    }

    @Test
    void aSetMissingAShardFileIsRefused() throws Exception {
        stage.autoSharded();
        String id = stage.golden();
        Files.delete(work.resolve("backups").resolve(id).resolve("qdrant/shards/3.snapshot"));
        RagbackCli.Result refused = stage.cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(5);
        assertTrue(refused.stderr().contains("qdrant/shards/3.snapshot"), refused.stderr());
        stage.cli.run("snapshot", "verify", id).assertExit(5);
        assertEquals("rag_main_v2", stage.qdrant.aliasTarget("rag_main"));
    }

    @Test
    void aClusterWithoutItsNodesIsRefusedNamingTheSettingAndInPlaceIsRefused() throws Exception {
        stage.autoSharded();
        RagbackCli.Result refused = stage.cli.env("QDRANT_NODES", null).run("snapshot", "create").assertExit(2);
        assertTrue(refused.stderr().contains("qdrant.nodes"), refused.stderr());
        stage.cli.env("QDRANT_NODES", String.join(",", stage.cluster.urls()));
        String id = stage.golden();
        RagbackCli.Result inPlace = stage.cli.run("--set", "qdrant.collection=rag_main_v2", "snapshot", "restore", id,
                "--only", "qdrant", "--yes").assertExit(2);
        assertTrue(inPlace.stderr().contains("in-place restore of rag_main_v2 on a cluster is refused"), inPlace.stderr());
        RagbackCli.Result missingPeer = stage.cli.env("QDRANT_NODES", stage.cluster.urls().get(0) + "," + stage.cluster.urls().get(1))
                .run("qdrant", "shards").assertExit(2);
        assertTrue(missingPeer.stderr().contains("Qdrant peer " + stage.cluster.peerId(2) + " (" + stage.cluster.peerUri(2) + ")"),
                missingPeer.stderr());
    }

    @Test
    void rollbackAutoOnTheClusterBringsBothStoresAndTheReleaseBack() throws Exception {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, POINTS);
        RagFixtures.createTaskEvents(db);
        stage.autoSharded();
        dev.ragback.testing.RollbackStage.releases(work, "v1.1.0", "v1.0.0", "v1.1.0", "v2.0.0");
        dev.ragback.testing.RollbackStage.evaluator(work, "");
        stage.cli.run("release", "mark-green", "v1.1.0").assertExit(0);
        String id = stage.golden();
        java.util.List<java.util.List<String>> section7 = db.rows(dev.ragback.testing.RollbackStage.SECTION_7);
        Map<Long, String> points = stage.qdrant.points("rag_main");

        db.execute("DELETE FROM rag_chunks WHERE id % 5 = 0; UPDATE rag_chunks SET model_id = 'poisoned' WHERE id % 9 = 0");
        stage.qdrant.delete("rag_main_v2", 1, 2, 3, 4);
        Path releases = work.resolve("ops/releases");
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));
        Files.createDirectories(work.resolve("ops/state"));
        Files.writeString(work.resolve("ops/state/traffic"), "100\n");

        RagbackCli.Result run = stage.cli.run("rollback", "auto", "--reason", "faithfulness_drop", "--yes").assertExit(0);
        for (String step : java.util.List.of("lock", "plan", "traffic_off", "restore", "revert", "smoke", "eval", "report")) {
            assertTrue(run.stdout().matches("(?s).*\\n    " + step + " +succeeded .*"), step + " did not succeed:\n" + run.stdout());
        }
        assertEquals("rag_main_v2_r" + id, stage.qdrant.aliasTarget("rag_main"));
        assertEquals(points, stage.qdrant.points("rag_main"));
        assertEquals(section7, db.rows(dev.ragback.testing.RollbackStage.SECTION_7));
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(releases.resolve("current")));
        stage.cli.run("verify").assertExit(0);
    }
}
