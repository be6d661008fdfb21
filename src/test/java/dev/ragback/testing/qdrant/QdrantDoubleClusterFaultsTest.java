package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster's fault switches, custom sharding, per-node collection snapshots and the api key. */
class QdrantDoubleClusterFaultsTest extends QdrantClusterTestBase {
    @TempDir
    Path dir;

    @Test
    void aNodeDownAnswersNothingAndIsListedWithSendFailuresOnTheOthers() throws Exception {
        createCollection("rag", 6, 2);
        upsert("rag", 0, 30, "v1");
        awaitActive("rag");
        cluster.down(2);
        assertThrows(IOException.class, () -> QdrantDoubleTestBase.send(cluster.node(2), "GET", "/cluster", null));
        JsonNode info = result(0, "GET", "/cluster", null);
        assertEquals(3, info.get("peers").size(), "a peer that is down stays listed");
        assertTrue(info.at("/message_send_failures").has(cluster.peerUri(2)), info.toString());
        assertTrue(states("rag").stream().allMatch(s -> s.endsWith("=Active")), "no write has reached it yet");
        upsert("rag", 30, 60, "v1");
        List<String> dead = states("rag").stream().filter(s -> s.endsWith("=Dead")).toList();
        assertEquals(4, dead.size(), states("rag").toString());
        assertTrue(dead.stream().allMatch(s -> s.contains("@" + cluster.peerId(2) + "=")), dead.toString());
        assertEquals(60, count(1, "rag"));
        cluster.up(2);
        assertEquals(cluster.peerId(2), result(2, "GET", "/cluster", null).get("peer_id").asLong());
        awaitActive("rag");
        assertTrue(result(0, "GET", "/cluster", null).get("message_send_failures").isEmpty());
    }

    @Test
    void aStuckReplicaNeverLeavesPartial() throws Exception {
        cluster.stuckPartial(ClusterState.ANY_COLLECTION, 1, 1);
        createCollection("rag", 3, 3);
        Thread.sleep(ACTIVATION.toMillis() * 3);
        List<String> states = states("rag");
        assertTrue(states.contains("1@" + cluster.peerId(1) + "=Partial"), states.toString());
        assertEquals(8, states.stream().filter(s -> s.endsWith("=Active")).count(), states.toString());
        JsonNode transfers = clusterInfo(0, "rag").get("shard_transfers");
        assertEquals(0, transfers.size(), "a new replica is not fed by a transfer");
    }

    @Test
    void aFailedShardUploadAnswers500AndChangesNothing() throws Exception {
        Path saved = activeWithShard0Streamed("rag", 2, 20, dir);
        result(0, "POST", "/collections/rag/points/delete?wait=true", "{\"points\":[0,1,2,3,4,5,6,7,8,9]}");
        cluster.failShardUpload("rag", 0);
        String error = QdrantDoubleTestBase.error(uploadShard(0, "rag", 0, saved, "priority=snapshot", 500));
        assertTrue(error.startsWith("Service internal error: "), error);
        assertEquals(10, count(0, "rag"));
        assertTrue(states("rag").stream().allMatch(s -> s.endsWith("=Active")));
        uploadShard(0, "rag", 0, saved, "priority=snapshot", 200);
        assertTrue(count(0, "rag") > 10, "only the next upload fails");
    }

    @Test
    void aShardUploadsAnswerCanBeLostBeforeOrAfterItsRecoveryAndARepeatReplacesTheShard() throws Exception {
        Path saved = activeWithShard0Streamed("rag", 2, 20, dir);
        result(0, "POST", "/collections/rag/points/delete?wait=true", "{\"points\":[0,1,2,3,4,5,6,7,8,9]}");
        String path = "/collections/rag/shards/0/snapshots/upload?priority=snapshot";
        cluster.node(0).cutNextUploadsAfterBody(1, false);
        assertThrows(java.io.IOException.class, () -> QdrantDoubleTestBase.upload(cluster.node(0).url(), path, "snapshot", saved));
        assertEquals(10, count(0, "rag"), "cut before the recovery: nothing changed");
        cluster.node(0).cutNextUploadsAfterBody(1, true);
        assertThrows(java.io.IOException.class, () -> QdrantDoubleTestBase.upload(cluster.node(0).url(), path, "snapshot", saved));
        long recovered = count(0, "rag");
        assertTrue(recovered > 10, "cut after the recovery: the shard is back");
        uploadShard(0, "rag", 0, saved, "priority=snapshot", 200);
        assertEquals(recovered, count(0, "rag"), "the same snapshot again replaces the shard, it adds nothing");
    }

    @Test
    void customShardKeysPlaceTheirShardsAndRouteTheirPoints() throws Exception {
        result(0, "PUT", "/collections/tenants", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},"
                + "\"sharding_method\":\"custom\",\"shard_number\":2,\"replication_factor\":2}");
        assertEquals(0, clusterInfo(0, "tenants").get("shard_count").asInt());
        result(1, "PUT", "/collections/tenants/shards", "{\"shard_key\":\"eu\"}");
        result(2, "PUT", "/collections/tenants/shards", "{\"shard_key\":\"us\",\"shards_number\":1,\"replication_factor\":1,"
                + "\"placement\":[" + cluster.peerId(2) + "]}");
        assertEquals("Bad request: Shard key eu already exists",
                error(0, "PUT", "/collections/tenants/shards", "{\"shard_key\":\"eu\"}", 400));
        JsonNode info = clusterInfo(2, "tenants");
        assertEquals(3, info.get("shard_count").asInt());
        JsonNode us = info.get("local_shards").findParents("shard_key").stream()
                .filter(s -> s.get("shard_key").asText().equals("us")).findFirst().orElseThrow();
        assertEquals(3, us.get("shard_id").asInt(), "the first key's shards are 1 and 2, as Qdrant numbers them");
        assertEquals("Wrong input: Shard key not specified", error(0, "PUT", "/collections/tenants/points?wait=true",
                "{\"points\":" + points(0, 2, "x") + "}", 400));
        result(0, "PUT", "/collections/tenants/points?wait=true", "{\"points\":" + points(0, 10, "eu") + ",\"shard_key\":\"eu\"}");
        result(1, "PUT", "/collections/tenants/points?wait=true", "{\"points\":" + points(10, 13, "us") + ",\"shard_key\":\"us\"}");
        assertEquals(13, count(0, "tenants"));
        assertEquals(3, result(0, "POST", "/collections/tenants/points/count", "{\"exact\":true,\"shard_key\":\"us\"}")
                .get("count").asInt());
        assertEquals(3, clusterInfo(2, "tenants").get("local_shards").findParents("shard_key").stream()
                .filter(s -> s.get("shard_key").asText().equals("us")).findFirst().orElseThrow().get("points_count").asInt());
        assertEquals(List.of("eu", "us"), result(0, "GET", "/collections/tenants/shards", null).get("shard_keys")
                .findValuesAsText("key"));
    }

    @Test
    void aCollectionSnapshotHoldsTheNodesShardsAndRecoveredInPlaceRollsBackOnlyThose() throws Exception {
        createCollection("rag", 3, 1);
        upsert("rag", 0, 30, "v1");
        awaitActive("rag");
        int local = clusterInfo(1, "rag").at("/local_shards/0/shard_id").asInt();
        long localPoints = clusterInfo(1, "rag").at("/local_shards/0/points_count").asLong();
        String name = result(1, "POST", "/collections/rag/snapshots?wait=true", null).get("name").asText();
        Path file = cluster.node(1).snapshotsDir().resolve("rag").resolve(name);
        List<String> entries = new java.util.ArrayList<>();
        try (var in = java.nio.file.Files.newInputStream(file)) {
            TarFormat.read(in, (entry, size, data) -> entries.add(entry));
        }
        assertTrue(entries.contains(local + "/points.jsonl"), entries.toString());
        assertEquals(1, entries.stream().filter(e -> e.endsWith("/points.jsonl")).count(), entries.toString());
        upsert("rag", 0, 30, "v2");
        result(1, "PUT", "/collections/rag/snapshots/recover", "{\"location\":\"" + file.toUri() + "\",\"priority\":\"snapshot\"}");
        List<JsonNode> points = result(0, "POST", "/collections/rag/points/scroll", "{\"limit\":100,\"with_payload\":true}")
                .get("points").findParents("id");
        assertEquals(30, points.size());
        assertEquals(localPoints, points.stream().filter(p -> p.at("/payload/tag").asText().equals("v1")).count(),
                "only the node's own shard is rolled back");
    }

    @Test
    void everyNodeRequiresTheApiKey() throws Exception {
        try (QdrantDoubleCluster secured = QdrantDoubleCluster.start(2, "s3cret")) {
            for (int node = 0; node < 2; node++) {
                assertEquals(401, QdrantDoubleTestBase.send(secured.node(node), "GET", "/cluster", null).statusCode());
                assertEquals(200, QdrantDoubleTestBase.send(secured.node(node), "GET", "/cluster", null,
                        "api-key", "s3cret").statusCode());
            }
        }
    }
}
