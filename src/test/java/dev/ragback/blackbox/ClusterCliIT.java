package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDoubleCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-node Qdrant cluster (the double's cluster mode): 6 shards, replication factor 2, through bin/ragback with
 * qdrant.nodes: shard sets, restores into a new collection behind the alias, verify shard by shard, and the faults.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class ClusterCliIT {
    private static final ObjectMapper JSON = ClusterStage.JSON;
    private static final int POINTS = 300;

    @TempDir
    Path work;

    private ClusterStage stage;
    private QdrantDoubleCluster cluster;
    private ClusterRest qdrant;
    private RagbackCli cli;
    private PgDatabase db;

    @BeforeEach
    void setUp(PgDatabase db) throws Exception {
        this.db = db;
        stage = new ClusterStage(db, work, "v1.0.0", POINTS);
        cluster = stage.cluster;
        qdrant = stage.qdrant;
        cli = stage.cli;
    }

    @AfterEach
    void tearDown() {
        stage.close();
    }

    private void autoSharded() throws Exception {
        stage.autoSharded();
    }

    private String golden() throws Exception {
        return stage.golden();
    }

    private JsonNode manifest(String id) throws Exception {
        return stage.manifest(id);
    }

    @Test
    void createDamageRestoreVerifyGivesBackEveryPointAndPayload() throws Exception {
        autoSharded();
        Map<Long, String> before = qdrant.points("rag_main");
        String id = golden();
        JsonNode sharding = manifest(id).at("/qdrant/sharding");
        assertEquals(6, sharding.path("shards").size(), sharding.toString());
        assertEquals(2, sharding.path("replication_factor").asInt());
        assertTrue(sharding.path("payload_indexes").has("uri"), sharding.toString());
        RagbackCli.Result shardsBefore = cli.run("qdrant", "shards").assertExit(0);

        qdrant.delete("rag_main_v2", 1, 2, 3, 150);
        qdrant.setPayload("rag_main_v2", 10, "doc://tampered");
        cli.run("verify").assertExit(3);
        db.execute("DELETE FROM rag_chunks WHERE id % 7 = 0");
        RagbackCli.Result restored = cli.run("snapshot", "restore", "--yes").assertExit(0); // both stores: the two-phase restore
        assertEquals("rag_main_v2_r" + id, qdrant.aliasTarget("rag_main"), restored.stdout());
        assertTrue(restored.stdout().contains("create rag_main_v2_r" + id + " on the cluster (6 shards, replication factor 2)"),
                restored.stdout());
        assertEquals(before, qdrant.points("rag_main"));
        RagbackCli.Result verified = cli.run("verify").assertExit(0);
        assertTrue(verified.stdout().contains("shard 0"), verified.stdout());
        RagbackCli.Result shardsAfter = cli.run("qdrant", "shards").assertExit(0);
        assertTrue(shardsAfter.stdout().contains("rag_main -> rag_main_v2_r" + id), shardsAfter.stdout());
        assertTrue(shardsBefore.stdout().contains("rag_main -> rag_main_v2\n"), shardsBefore.stdout());
        JsonNode json = JSON.readTree(cli.run("--json", "qdrant", "shards").assertExit(0).stdout());
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
        qdrant.createCollection("rag_main_v2", 2, 2, true);
        qdrant.createShardKey("rag_main_v2", "eu");
        qdrant.createShardKey("rag_main_v2", "us");
        qdrant.awaitActive("rag_main_v2");
        qdrant.upsert("rag_main_v2", 1, 151, "eu");
        qdrant.upsert("rag_main_v2", 151, POINTS + 1, "us");
        qdrant.alias("rag_main", "rag_main_v2");
        Map<Long, String> before = qdrant.points("rag_main");
        String id = golden();
        JsonNode sharding = manifest(id).at("/qdrant/sharding");
        assertEquals("custom", sharding.path("sharding_method").asText());
        assertEquals("[\"eu\",\"us\"]", sharding.path("shard_keys").toString());
        assertEquals(4, sharding.path("shards").size());
        qdrant.delete("rag_main_v2", 5, 200);
        cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(0);
        assertEquals(before, qdrant.points("rag_main"));
        cli.run("verify").assertExit(0);
    }

    @Test
    void aNodeDownDuringCreateIsReplacedByAnotherReplicaOrNamesTheShard() throws Exception {
        autoSharded();
        cluster.down(2);
        String id = golden();
        JsonNode shards = manifest(id).at("/qdrant/sharding/shards");
        assertEquals(6, shards.size());
        shards.forEach(s -> assertNotEquals(cluster.peerId(2), s.path("source_peer").asLong(), shards.toString()));
        cluster.down(1);
        RagbackCli.Result failed = cli.run("snapshot", "create").assertExit(1);
        assertTrue(failed.stderr().contains("shard "), failed.stderr());
        assertEquals(1, listed(), "no second set looks complete");
    }

    @Test
    void theFirstListedNodeDownIsServedByTheNextForCollectionWideCalls() throws Exception {
        autoSharded();
        cluster.down(0);
        JsonNode shards = manifest(golden()).at("/qdrant/sharding/shards");
        assertEquals(6, shards.size(), "counts, probes and aliases went to the next node that answers");
        shards.forEach(s -> assertNotEquals(cluster.peerId(0), s.path("source_peer").asLong(), shards.toString()));
    }

    private long listed() throws Exception {
        return JSON.readTree(cli.run("--json", "snapshot", "list").assertExit(0).stdout()).size();
    }

    @Test
    void aNodeDownDuringRestoreLeavesTheAliasAndDropsTheNewCollection() throws Exception {
        autoSharded();
        String id = golden();
        cluster.activationDelay(Duration.ofSeconds(1));
        java.util.concurrent.CompletableFuture<RagbackCli.Result> restore = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> cli.run("--set", "qdrant.replicas_timeout=3s", "snapshot", "restore", "--only", "qdrant", "--yes"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!qdrant.collections().contains("rag_main_v2_r" + id) && !restore.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        cluster.down(2); // while the restore waits for the new collection's replicas
        RagbackCli.Result failed = restore.get();
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.stderr().contains("no answer from peers [" + cluster.peerId(2) + "]"), failed.stderr());
        assertTrue(failed.stderr().contains("alias rag_main still on rag_main_v2"), failed.stderr());
        assertEquals("rag_main_v2", qdrant.aliasTarget("rag_main"));
        assertFalse(qdrant.collections().contains("rag_main_v2_r" + id), qdrant.collections().toString());
    }

    @Test
    void aReplicaThatNeverBecomesActiveTimesOutClearlyAndCleansUp() throws Exception {
        autoSharded();
        String id = golden();
        for (int node = 0; node < 3; node++) {
            cluster.stuckPartial("rag_main_v2_r" + id, 2, node);
        }
        RagbackCli.Result failed = cli.run("--set", "qdrant.replicas_timeout=2s", "snapshot", "restore", "--only", "qdrant", "--yes");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.stderr().contains("are not all Active") && failed.stderr().contains("after 2s (qdrant.replicas_timeout)")
                && failed.stderr().contains("shard 2"), failed.stderr());
        assertEquals("rag_main_v2", qdrant.aliasTarget("rag_main"));
        assertFalse(qdrant.collections().contains("rag_main_v2_r" + id), qdrant.collections().toString());
    }

    @Test
    void aFailingShardUploadDropsTheNewCollection() throws Exception {
        autoSharded();
        String id = golden();
        cluster.failShardUpload("rag_main_v2_r" + id, 4);
        cluster.failShardUpload("rag_main_v2_r" + id, 4); // both replicas' peers: ragback tries the other one
        RagbackCli.Result failed = cli.run("snapshot", "restore", "--only", "qdrant", "--yes");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.stderr().contains("shard 4"), failed.stderr());
        assertEquals("rag_main_v2", qdrant.aliasTarget("rag_main"));
        assertFalse(qdrant.collections().contains("rag_main_v2_r" + id), qdrant.collections().toString());
    }

    @Test
    void aSetMissingAShardFileIsRefused() throws Exception {
        autoSharded();
        String id = golden();
        Files.delete(work.resolve("backups").resolve(id).resolve("qdrant/shards/3.snapshot"));
        RagbackCli.Result refused = cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(5);
        assertTrue(refused.stderr().contains("qdrant/shards/3.snapshot"), refused.stderr());
        cli.run("snapshot", "verify", id).assertExit(5);
        assertEquals("rag_main_v2", qdrant.aliasTarget("rag_main"));
    }

    @Test
    void aClusterWithoutItsNodesIsRefusedNamingTheSettingAndInPlaceIsRefused() throws Exception {
        autoSharded();
        RagbackCli.Result refused = cli.env("QDRANT_NODES", null).run("snapshot", "create").assertExit(2);
        assertTrue(refused.stderr().contains("qdrant.nodes"), refused.stderr());
        cli.env("QDRANT_NODES", String.join(",", cluster.urls()));
        String id = golden();
        RagbackCli.Result inPlace = cli.run("--set", "qdrant.collection=rag_main_v2", "snapshot", "restore", id, "--only", "qdrant",
                "--yes").assertExit(2);
        assertTrue(inPlace.stderr().contains("in-place restore of rag_main_v2 on a cluster is refused"), inPlace.stderr());
        RagbackCli.Result missingPeer = cli.env("QDRANT_NODES", cluster.urls().get(0) + "," + cluster.urls().get(1))
                .run("qdrant", "shards").assertExit(2);
        assertTrue(missingPeer.stderr().contains("Qdrant peer " + cluster.peerId(2) + " (" + cluster.peerUri(2) + ")"), missingPeer.stderr());
    }

    @Test
    void rollbackAutoOnTheClusterBringsBothStoresAndTheReleaseBack() throws Exception {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, POINTS);
        RagFixtures.createTaskEvents(db);
        autoSharded();
        dev.ragback.testing.RollbackStage.releases(work, "v1.1.0", "v1.0.0", "v1.1.0", "v2.0.0");
        dev.ragback.testing.RollbackStage.evaluator(work, "");
        cli.run("release", "mark-green", "v1.1.0").assertExit(0);
        String id = golden();
        java.util.List<java.util.List<String>> section7 = db.rows(dev.ragback.testing.RollbackStage.SECTION_7);
        Map<Long, String> points = qdrant.points("rag_main");

        db.execute("DELETE FROM rag_chunks WHERE id % 5 = 0; UPDATE rag_chunks SET model_id = 'poisoned' WHERE id % 9 = 0");
        qdrant.delete("rag_main_v2", 1, 2, 3, 4);
        Path releases = work.resolve("ops/releases");
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));
        Files.createDirectories(work.resolve("ops/state"));
        Files.writeString(work.resolve("ops/state/traffic"), "100\n");

        RagbackCli.Result run = cli.run("rollback", "auto", "--reason", "faithfulness_drop", "--yes").assertExit(0);
        for (String step : java.util.List.of("lock", "plan", "traffic_off", "restore", "revert", "smoke", "eval", "report")) {
            assertTrue(run.stdout().matches("(?s).*\\n    " + step + " +succeeded .*"), step + " did not succeed:\n" + run.stdout());
        }
        assertEquals("rag_main_v2_r" + id, qdrant.aliasTarget("rag_main"));
        assertEquals(points, qdrant.points("rag_main"));
        assertEquals(section7, db.rows(dev.ragback.testing.RollbackStage.SECTION_7));
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(releases.resolve("current")));
        cli.run("verify").assertExit(0);
    }
}
