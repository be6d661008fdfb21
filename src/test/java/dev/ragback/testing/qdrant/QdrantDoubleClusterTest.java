package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster mode of the double: cluster info, placement, routing and shard snapshots, across three nodes. */
class QdrantDoubleClusterTest extends QdrantClusterTestBase {
    @TempDir
    Path dir;

    @Test
    void everyNodeReportsTheClusterWithItsOwnPeerIdAndP2pUris() throws Exception {
        Set<Long> ids = new TreeSet<>();
        for (int node = 0; node < 3; node++) {
            JsonNode info = result(node, "GET", "/cluster", null);
            assertEquals("enabled", info.get("status").asText());
            assertEquals(cluster.peerId(node), info.get("peer_id").asLong());
            assertEquals(3, info.get("peers").size());
            assertEquals("http://qdrant-node-" + (node + 1) + ":6335/",
                    info.at("/peers/" + cluster.peerId(node) + "/uri").asText());
            assertEquals(cluster.peerId(0), info.at("/raft_info/leader").asLong());
            assertTrue(info.get("message_send_failures").isEmpty());
            ids.add(info.get("peer_id").asLong());
        }
        assertEquals(3, ids.size());
        assertFalse(cluster.urls().get(0).equals(cluster.urls().get(1)));
    }

    @Test
    void shardsAndReplicasAreSpreadEvenlyAndTurnActiveAfterTheDelay() throws Exception {
        cluster.activationDelay(java.time.Duration.ofSeconds(30));
        createCollection("rag", 6, 2);
        assertTrue(states("rag").stream().allMatch(s -> s.endsWith("=Initializing")), states("rag").toString());
        cluster.activationDelay(ACTIVATION);
        createCollection("rag2", 6, 2);
        awaitActive("rag2");
        Map<Long, Integer> perPeer = new HashMap<>();
        for (int node = 0; node < 3; node++) {
            JsonNode info = clusterInfo(node, "rag2");
            assertEquals(cluster.peerId(node), info.get("peer_id").asLong());
            assertEquals(6, info.get("shard_count").asInt());
            assertEquals(12, info.get("local_shards").size() + info.get("remote_shards").size());
            perPeer.put(cluster.peerId(node), info.get("local_shards").size());
            assertTrue(info.get("shard_transfers").isEmpty());
            assertFalse(info.has("resharding_operations"));
        }
        assertEquals(Map.of(cluster.peerId(0), 4, cluster.peerId(1), 4, cluster.peerId(2), 4), perPeer);
        JsonNode config = result(2, "GET", "/collections/rag2", null).at("/config/params");
        assertEquals(6, config.get("shard_number").asInt());
        assertEquals(2, config.get("replication_factor").asInt());
    }

    @Test
    void pointsAreReadFromAnyNodeAndCountedPerLocalShard() throws Exception {
        createCollection("rag", 6, 2);
        upsert("rag", 0, 60, "v1");
        long localSum = 0;
        for (int node = 0; node < 3; node++) {
            assertEquals(60, count(node, "rag"));
            for (JsonNode shard : clusterInfo(node, "rag").get("local_shards")) {
                localSum += shard.get("points_count").asLong();
            }
        }
        assertEquals(120, localSum, "every point is on both replicas of its shard");
    }

    @Test
    void payloadIndexesAreMadeFromAnyNodeAndShownEverywhere() throws Exception {
        createCollection("rag", 2, 2);
        upsert("rag", 0, 4, "v1");
        result(1, "PUT", "/collections/rag/index?wait=true", "{\"field_name\":\"tag\",\"field_schema\":\"keyword\"}");
        JsonNode schema = result(2, "GET", "/collections/rag", null).get("payload_schema");
        assertEquals("keyword", schema.at("/tag/data_type").asText());
        assertEquals(4, schema.at("/tag/points").asInt());
    }

    @Test
    void shardSnapshotsAreCreatedListedDownloadedAndDeletedOnANodeHoldingTheShard() throws Exception {
        createCollection("rag", 6, 2);
        upsert("rag", 0, 30, "v1");
        int shard = clusterInfo(1, "rag").at("/local_shards/0/shard_id").asInt();
        JsonNode created = result(1, "POST", "/collections/rag/shards/" + shard + "/snapshots?wait=true", null);
        String name = created.get("name").asText();
        assertTrue(name.matches("rag-shard-" + shard + "-\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d\\.snapshot"), name);
        assertEquals(64, created.get("checksum").asText().length());
        JsonNode list = result(1, "GET", "/collections/rag/shards/" + shard + "/snapshots", null);
        assertEquals(name, list.get(0).get("name").asText());
        assertEquals(200, QdrantDoubleTestBase.send(cluster.node(1), "GET",
                "/collections/rag/shards/" + shard + "/snapshots/" + name, null).statusCode());
        assertEquals(List.of(), result(1, "GET", "/collections/rag/snapshots", null).findValuesAsText("name"),
                "a shard snapshot is not a collection snapshot");
        assertTrue(result(1, "DELETE", "/collections/rag/shards/" + shard + "/snapshots/" + name, null).asBoolean());
        assertEquals(0, result(1, "GET", "/collections/rag/shards/" + shard + "/snapshots", null).size());
        assertEquals("Not found: Snapshot " + name + " not found",
                error(1, "DELETE", "/collections/rag/shards/" + shard + "/snapshots/" + name, null, 404));
        assertEquals(List.of(), cluster.node(1).snapshotFiles());
    }

    @Test
    void aNodeRefusesShardsItDoesNotHoldAsQdrantDoes() throws Exception {
        createCollection("rag", 6, 2);
        int remote = clusterInfo(0, "rag").at("/remote_shards").findValues("shard_id").stream().map(JsonNode::asInt)
                .filter(id -> {
                    try {
                        return clusterInfo(0, "rag").get("local_shards").findValues("shard_id").stream()
                                .noneMatch(l -> l.asInt() == id);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow();
        assertEquals("Wrong input: Shard " + remote + " is not a local or queue proxy shard",
                error(0, "POST", "/collections/rag/shards/" + remote + "/snapshots?wait=true", null, 400));
        assertEquals("Wrong input: Shard " + remote + " is not a local shard",
                error(0, "GET", "/collections/rag/shards/" + remote + "/snapshots", null, 400));
        assertEquals(400, QdrantDoubleTestBase.send(cluster.node(0), "GET",
                "/collections/rag/shards/" + remote + "/snapshot", null).statusCode());
        assertEquals("Not found: shard 17 not found", error(0, "POST", "/collections/rag/shards/17/snapshots", null, 404));
    }

    @Test
    void aStreamedShardSnapshotHoldsTheShardAndLeavesNothingBehind() throws Exception {
        createCollection("rag", 3, 1);
        upsert("rag", 0, 30, "v1");
        JsonNode local = clusterInfo(2, "rag").at("/local_shards/0");
        Path file = streamShard(2, "rag", local.get("shard_id").asInt(), dir.resolve("s.snapshot"));
        assertTrue(java.nio.file.Files.size(file) > 0);
        assertEquals(List.of(), cluster.node(2).snapshotFiles());
        int[] lines = new int[1];
        try (var in = java.nio.file.Files.newInputStream(file)) {
            TarFormat.read(in, (entry, size, data) -> {
                if (entry.equals("points.jsonl")) {
                    lines[0] = new String(data.readAllBytes()).split("\n").length;
                }
            });
        }
        assertEquals(local.get("points_count").asInt(), lines[0]);
    }

    private void awaitTransfer(String collection, int shard, long from) throws Exception {
        for (int i = 0; i < 300; i++) {
            for (JsonNode transfer : clusterInfo(0, collection).get("shard_transfers")) {
                if (transfer.get("shard_id").asInt() == shard && transfer.get("from").asLong() == from) {
                    assertEquals("Partial", states(collection).stream().filter(s -> s.startsWith(shard + "@"
                            + transfer.get("to").asLong())).findFirst().orElseThrow().replaceAll(".*=", ""));
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no transfer of shard " + shard + " from " + from + ": " + states(collection));
    }

    @Test
    void anUploadedShardSnapshotReplacesTheShardAndTheOtherReplicasAreFedFromIt() throws Exception {
        createCollection("rag", 6, 2);
        upsert("rag", 0, 60, "v1");
        awaitActive("rag");
        JsonNode shardInfo = clusterInfo(0, "rag").at("/local_shards/0");
        int shard = shardInfo.get("shard_id").asInt();
        Path saved = streamShard(0, "rag", shard, dir.resolve("s.snapshot"));
        upsert("rag", 0, 60, "v2");
        result(0, "POST", "/collections/rag/points/delete?wait=true", "{\"points\":[0,1,2,3,4,5,6,7,8,9]}");
        long before = count(1, "rag");
        String checksum = SnapshotStore.sha256(saved);
        assertEquals("Checksum mismatch: expected " + checksum + ", actual " + "0".repeat(64),
                QdrantDoubleTestBase.error(uploadShard(0, "rag", shard, saved, "priority=snapshot&checksum=" + "0".repeat(64), 400)));
        cluster.activationDelay(java.time.Duration.ofSeconds(1));
        uploadShard(0, "rag", shard, saved, "priority=snapshot&checksum=" + checksum, 200);
        String other = clusterInfo(0, "rag").get("remote_shards").findParents("shard_id").stream()
                .filter(r -> r.get("shard_id").asInt() == shard).findFirst().orElseThrow().get("state").asText();
        assertTrue(Set.of("Dead", "Partial").contains(other), "the other replica is marked Dead, then fed: " + other);
        awaitTransfer("rag", shard, cluster.peerId(0));
        awaitActive("rag");
        List<JsonNode> points = QdrantDoubleTestBase.json(call(2, "POST", "/collections/rag/points/scroll",
                "{\"limit\":100,\"with_payload\":true}", 200)).at("/result/points").findParents("id");
        long restored = points.stream().filter(p -> "v1".equals(p.at("/payload/tag").asText())).count();
        assertEquals(shardInfo.get("points_count").asLong(), restored, "the shard's points are back as they were");
        assertNotEquals(before, count(1, "rag"));
        assertEquals(List.of(), cluster.node(0).snapshotFiles(), "an uploaded shard snapshot is not kept");
    }

    @Test
    void mainServesAClusterAndWritesTheNodeUrls() throws Exception {
        Path urls = dir.resolve("urls.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), QdrantDoubleMain.class.getName(),
                "--cluster-nodes", "3", "--port", "0", "--activation-delay-ms", "10", "--urls-file", urls.toString())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            List<String> printed = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                printed.add(out.readLine().replaceFirst("^listening on ", ""));
            }
            assertEquals(printed, java.nio.file.Files.readAllLines(urls));
            Set<Long> peers = new TreeSet<>();
            for (String url : printed) {
                JsonNode info = Replies.JSON.readTree(QdrantDoubleTestBase.CLIENT.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/cluster")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                assertEquals("enabled", info.at("/result/status").asText());
                assertEquals(3, info.at("/result/peers").size());
                peers.add(info.at("/result/peer_id").asLong());
            }
            assertEquals(3, peers.size(), "each node answers with its own peer id");
        } finally {
            process.destroy();
            assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the cluster stops when killed");
        }
    }
}
