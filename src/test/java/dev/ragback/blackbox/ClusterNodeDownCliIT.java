package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.ragback.blackbox.ClusterStage.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node of the 3-node cluster down, or a replica that never becomes Active, through bin/ragback with qdrant.nodes:
 * a create served by the other replicas or naming the shard, a restore that leaves the alias and drops its collection.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class ClusterNodeDownCliIT {
    @TempDir
    Path work;

    private ClusterStage stage;

    @BeforeEach
    void setUp(PgDatabase db) throws Exception {
        stage = new ClusterStage(db, work, "v1.0.0", 300);
    }

    @AfterEach
    void tearDown() {
        stage.close();
    }

    @Test
    void aNodeDownDuringCreateIsReplacedByAnotherReplicaOrNamesTheShard() throws Exception {
        stage.autoSharded();
        stage.cluster.down(2);
        String id = stage.golden();
        JsonNode shards = stage.manifest(id).at("/qdrant/sharding/shards");
        assertEquals(6, shards.size());
        shards.forEach(s -> assertNotEquals(stage.cluster.peerId(2), s.path("source_peer").asLong(), shards.toString()));
        stage.cluster.down(1);
        RagbackCli.Result failed = stage.cli.run("snapshot", "create").assertExit(1);
        assertTrue(failed.stderr().contains("shard "), failed.stderr());
        assertEquals(1, listed(), "no second set looks complete");
    }

    @Test
    void theFirstListedNodeDownIsServedByTheNextForCollectionWideCalls() throws Exception {
        stage.autoSharded();
        stage.cluster.down(0);
        JsonNode shards = stage.manifest(stage.golden()).at("/qdrant/sharding/shards");
        assertEquals(6, shards.size(), "counts, probes and aliases went to the next node that answers");
        shards.forEach(s -> assertNotEquals(stage.cluster.peerId(0), s.path("source_peer").asLong(), shards.toString()));
    }

    @Test
    void aNodeDownDuringRestoreLeavesTheAliasAndDropsTheNewCollection() throws Exception {
        stage.autoSharded();
        String id = stage.golden();
        stage.cluster.activationDelay(Duration.ofSeconds(1));
        java.util.concurrent.CompletableFuture<RagbackCli.Result> restore = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stage.cli.run("--set", "qdrant.replicas_timeout=3s", "snapshot", "restore", "--only", "qdrant", "--yes"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!stage.qdrant.collections().contains("rag_main_v2_r" + id) && !restore.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        stage.cluster.down(2); // while the restore waits for the new collection's replicas
        RagbackCli.Result failed = restore.get();
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.stderr().contains("no answer from peers [" + stage.cluster.peerId(2) + "]"), failed.stderr());
        assertTrue(failed.stderr().contains("alias rag_main still on rag_main_v2"), failed.stderr());
        assertEquals("rag_main_v2", stage.qdrant.aliasTarget("rag_main"));
        assertFalse(stage.qdrant.collections().contains("rag_main_v2_r" + id), stage.qdrant.collections().toString());
    }

    @Test
    void aReplicaThatNeverBecomesActiveTimesOutClearlyAndCleansUp() throws Exception {
        stage.autoSharded();
        String id = stage.golden();
        for (int node = 0; node < 3; node++) {
            stage.cluster.stuckPartial("rag_main_v2_r" + id, 2, node);
        }
        RagbackCli.Result failed = stage.cli.run("--set", "qdrant.replicas_timeout=2s", "snapshot", "restore", "--only", "qdrant",
                "--yes");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.stderr().contains("are not all Active") && failed.stderr().contains("after 2s (qdrant.replicas_timeout)")
                && failed.stderr().contains("shard 2"), failed.stderr());
        assertEquals("rag_main_v2", stage.qdrant.aliasTarget("rag_main"));
        assertFalse(stage.qdrant.collections().contains("rag_main_v2_r" + id), stage.qdrant.collections().toString());
    }

    private long listed() throws Exception {
        return JSON.readTree(stage.cli.run("--json", "snapshot", "list").assertExit(0).stdout()).size();
    }
}
