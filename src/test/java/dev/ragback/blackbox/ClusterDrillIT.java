package dev.ragback.blackbox;

import dev.ragback.testing.qdrant.QdrantDoubleCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * make drill CLUSTER=3 against the user's cluster (QDRANT_NODES), with no PG variables: a sharded, replicated
 * collection restored shard by shard, on a throwaway PostgreSQL the drill starts and stops. With {@link DrillIT}'s
 * full drill (one Qdrant, the user's PostgreSQL), two runs cover both sides of each store.
 */
@BlackBox
class ClusterDrillIT {
    @TempDir
    Path scratch;

    @Test
    void clusterModeWithoutPgVariablesRunsTheStoryShardByShardOnAThrowawayPostgresqlAndRemovesWhatItMade() throws Exception {
        try (QdrantDoubleCluster cluster = QdrantDoubleCluster.start(3)) {
            Path drill = scratch.resolve("drill");
            String[] result = DrillScript.run(Map.of("CLUSTER", "3", "QDRANT_NODES", String.join(",", cluster.urls()),
                    "DRILL_DIR", drill.toString(), "DRILL_CHUNKS", "300"), scratch.resolve("out"));

            assertEquals("0", result[0], result[1]);
            assertTrue(result[1].contains("starting a throwaway PostgreSQL from the local binaries"), result[1]);
            assertTrue(result[1].contains("drill: Qdrant " + String.join(",", cluster.urls()) + ": collection "), result[1]);
            assertTrue(result[1].contains("on the cluster (6 shards, replication factor 2)"), "the plan restores shard by shard:\n" + result[1]);
            assertTrue(result[1].matches("(?s).*differs: shard \\d: .*"), "the damage shows per shard:\n" + result[1]);
            String after = result[1].substring(result[1].indexOf("[drill] verification: both stores are back"));
            for (int shard = 0; shard < 6; shard++) {
                assertTrue(after.matches("(?s).*\n  shard " + shard + " +\\d+ points \\(set: \\d+\\) .*Active.*Active +ok\n.*"),
                        "shard " + shard + " is back with both replicas Active:\n" + after);
            }
            assertTrue(after.contains("ok: both stores match the set"), after);
            assertEquals(List.of(), cluster.node(0).store().names(), "the drill removed its own collections from the cluster");
            for (int node = 0; node < 3; node++) {
                assertEquals(List.of(), cluster.node(node).snapshotFiles(), "no snapshot file left on node " + node);
            }
            assertFalse(Files.exists(drill.resolve("pg/data/postmaster.pid")), "the throwaway cluster is stopped at the end");
        }
    }
}
