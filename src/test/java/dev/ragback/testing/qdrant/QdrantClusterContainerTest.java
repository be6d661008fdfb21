package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The behaviours {@link QdrantDoubleCluster} copies, pinned against a real 3-node {@code qdrant/qdrant}
 * cluster ({@code QDRANT__CLUSTER__ENABLED=true}, one bootstrap peer, as ops/cluster/compose.yaml):
 * cluster info, shard placement, shard snapshots (create, list, download, delete, stream, upload), a
 * collection snapshot holding only the node's shards, the errors for shards a node does not hold, and
 * custom shard keys. Every answer is also checked against openapi.json. Runs where Docker runs (CI);
 * each test uses collections of its own.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantClusterContainerTest {
    private static final String IMAGE = System.getProperty("ragback.qdrant.image",
            java.util.Optional.ofNullable(System.getenv("RAGBACK_QDRANT_IMAGE")).orElse("qdrant/qdrant:v1.19.0"));
    private static final Network NETWORK = Network.newNetwork();
    private static final List<GenericContainer<?>> NODES = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        NODES.addAll(startNodes(NETWORK));
    }

    /** Three clustered nodes on {@code network}, started one at a time: a peer bootstraps from the first. */
    static List<GenericContainer<?>> startNodes(Network network) {
        List<GenericContainer<?>> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> command = new ArrayList<>(List.of("./entrypoint.sh", "--uri", "http://qdrant-node-" + i + ":6335"));
            if (i > 1) {
                command.addAll(1, List.of("--bootstrap", "http://qdrant-node-1:6335"));
            }
            GenericContainer<?> node = new GenericContainer<>(IMAGE).withNetwork(network).withNetworkAliases("qdrant-node-" + i)
                    .withEnv("QDRANT__CLUSTER__ENABLED", "true").withExposedPorts(6333)
                    .withCommand(command.toArray(String[]::new))
                    .waitingFor(Wait.forHttp("/readyz").forPort(6333).withStartupTimeout(Duration.ofMinutes(2)));
            node.start();
            nodes.add(node);
        }
        return nodes;
    }

    @AfterAll
    static void stopCluster() {
        NODES.forEach(GenericContainer::stop);
        NETWORK.close();
    }

    private static URI url(int node) {
        GenericContainer<?> container = NODES.get(node);
        return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(6333));
    }

    private static HttpResponse<String> send(int node, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(node).resolve(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return QdrantDoubleTestBase.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call whose answer must have {@code status} and fit openapi.json, as the double's answers must. */
    private static HttpResponse<String> call(int node, String method, String path, String json, int status) throws Exception {
        return QdrantDoubleTestBase.expect(method, path, send(node, method, path, json), status);
    }

    private static JsonNode result(int node, String method, String path, String json) throws Exception {
        return QdrantDoubleTestBase.json(call(node, method, path, json, 200)).get("result");
    }

    private static String error(int node, String method, String path, String json, int status) throws Exception {
        return QdrantDoubleTestBase.error(call(node, method, path, json, status));
    }

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long peerId(int node) throws Exception {
        return result(node, "GET", "/cluster", null).get("peer_id").asLong();
    }

    private static void collection(String name, int shards, int replicas, int points) throws Exception {
        result(0, "PUT", "/collections/" + name, "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"shard_number\":" + shards
                + ",\"replication_factor\":" + replicas + "}");
        if (points > 0) {
            result(0, "PUT", "/collections/" + name + "/points?wait=true",
                    "{\"points\":" + QdrantClusterTestBase.points(0, points, "v1") + "}");
        }
        awaitActive(name);
    }

    /** Polls (at most 60 s) until every replica is Active and no transfer runs. */
    private static void awaitActive(String collection) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            JsonNode info = result(0, "GET", "/collections/" + collection + "/cluster", null);
            List<String> states = new ArrayList<>(info.get("local_shards").findValuesAsText("state"));
            states.addAll(info.get("remote_shards").findValuesAsText("state"));
            if (info.get("shard_transfers").isEmpty() && states.stream().allMatch("Active"::equals)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                fail("not Active after 60 s: " + info);
            }
            Thread.sleep(200);
        }
    }

    private static Set<Integer> localShards(int node, String collection) throws Exception {
        Set<Integer> ids = new TreeSet<>();
        result(node, "GET", "/collections/" + collection + "/cluster", null).get("local_shards")
                .forEach(s -> ids.add(s.get("shard_id").asInt()));
        return ids;
    }

    private static long count(int node, String collection) throws Exception {
        return result(node, "POST", "/collections/" + collection + "/points/count", "{\"exact\":true}").get("count").asLong();
    }

    @Test
    void everyNodeReportsTheClusterWithItsOwnPeerIdAndP2pUris() throws Exception {
        Set<Long> ids = new TreeSet<>();
        Set<String> uris = new TreeSet<>();
        for (int node = 0; node < 3; node++) {
            JsonNode info = result(node, "GET", "/cluster", null);
            assertEquals("enabled", info.get("status").asText());
            assertEquals(3, info.get("peers").size());
            ids.add(info.get("peer_id").asLong());
            info.get("peers").forEach(p -> uris.add(p.get("uri").asText()));
            assertTrue(info.has("raft_info") && info.has("consensus_thread_status") && info.has("message_send_failures"));
        }
        assertEquals(3, ids.size(), "each node answers with its own peer id");
        assertEquals(Set.of("http://qdrant-node-1:6335/", "http://qdrant-node-2:6335/", "http://qdrant-node-3:6335/"), uris,
                "peer-to-peer URIs only, as the double reports them");
    }

    @Test
    void shardsAndReplicasAreSpreadEvenlyOverThePeers() throws Exception {
        String c = unique("placed");
        collection(c, 6, 2, 60);
        int replicas = 0;
        for (int node = 0; node < 3; node++) {
            JsonNode info = result(node, "GET", "/collections/" + c + "/cluster", null);
            assertEquals(peerId(node), info.get("peer_id").asLong());
            assertEquals(6, info.get("shard_count").asInt());
            assertEquals(4, info.get("local_shards").size(), "12 replicas over 3 peers, fewest first");
            assertFalse(info.has("resharding_operations"), "left out when there are none");
            replicas += info.get("local_shards").size();
            assertEquals(60, count(node, c), "any node counts the whole collection");
        }
        assertEquals(12, replicas);
        JsonNode params = result(1, "GET", "/collections/" + c, null).at("/config/params");
        assertEquals(6, params.get("shard_number").asInt());
        assertEquals(2, params.get("replication_factor").asInt());
    }

    @Test
    void shardSnapshotsLiveOnANodeHoldingTheShard() throws Exception {
        String c = unique("shardsnap");
        collection(c, 3, 1, 30);
        int shard = localShards(1, c).iterator().next();
        String base = "/collections/" + c + "/shards/" + shard + "/snapshots";
        JsonNode created = result(1, "POST", base + "?wait=true", null);
        String name = created.get("name").asText();
        assertTrue(name.matches(c + "-shard-" + shard + "-\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d\\.snapshot"), name);
        assertEquals(64, created.get("checksum").asText().length());
        assertEquals(List.of(name), result(1, "GET", base, null).findValuesAsText("name"));
        assertEquals(List.of(), result(1, "GET", "/collections/" + c + "/snapshots", null).findValuesAsText("name"));
        assertEquals(200, send(1, "GET", base + "/" + name, null).statusCode());
        assertTrue(result(1, "DELETE", base + "/" + name, null).asBoolean());
        assertEquals(0, result(1, "GET", base, null).size());
        assertEquals("Not found: Snapshot " + name + " not found", error(1, "DELETE", base + "/" + name, null, 404));
    }

    /**
     * What ragback's per-shard counts rest on: the local shard count (src/actix/api/local_shard_api.rs, not in openapi.json,
     * so its answers are checked against the documented count's) counts this node's replica only, exactly; and on an idle
     * collection the filterless count {@code GET …/cluster} reports for a local shard is the same figure.
     */
    @Test
    void eachShardCountsExactlyOnANodeHoldingItAndNowhereElse() throws Exception {
        String c = unique("shardcount");
        collection(c, 3, 1, 30);
        long total = 0;
        for (int node = 0; node < 3; node++) {
            java.util.Map<Integer, Long> reported = new java.util.TreeMap<>();
            result(node, "GET", "/collections/" + c + "/cluster", null).get("local_shards")
                    .forEach(l -> reported.put(l.get("shard_id").asInt(), l.get("points_count").asLong()));
            for (int shard = 0; shard < 3; shard++) {
                HttpResponse<String> answer = send(node, "POST", "/collections/" + c + "/shards/" + shard + "/points/count",
                        "{\"exact\":true}");
                QdrantDoubleTestBase.assertValid("POST", "/collections/" + c + "/points/count", answer);
                if (reported.containsKey(shard)) {
                    assertEquals(200, answer.statusCode(), answer.body());
                    long exact = QdrantDoubleTestBase.json(answer).at("/result/count").asLong();
                    assertEquals(reported.get(shard), exact, "idle: the cluster info's filterless count is the exact one");
                    total += exact;
                } else {
                    assertEquals(500, answer.statusCode(), answer.body());
                    assertEquals("Service internal error: Local shard " + shard + " not found", QdrantDoubleTestBase.error(answer));
                }
            }
        }
        assertEquals(30, total);
        HttpResponse<String> missing = send(0, "POST", "/collections/" + c + "/shards/17/points/count", "{\"exact\":true}");
        assertEquals(404, missing.statusCode());
        assertEquals("Not found: shard 17 not found", QdrantDoubleTestBase.error(missing));
    }

    @Test
    void aNodeRefusesShardsItDoesNotHold() throws Exception {
        String c = unique("notlocal");
        collection(c, 3, 1, 0);
        Set<Integer> local = localShards(0, c);
        int remote = java.util.stream.IntStream.range(0, 3).filter(id -> !local.contains(id)).findFirst().orElseThrow();
        String base = "/collections/" + c + "/shards/" + remote;
        assertEquals("Wrong input: Shard " + remote + " is not a local or queue proxy shard",
                error(0, "POST", base + "/snapshots?wait=true", null, 400));
        assertEquals("Wrong input: Shard " + remote + " is not a local shard", error(0, "GET", base + "/snapshots", null, 400));
        assertEquals(400, send(0, "GET", base + "/snapshot", null).statusCode());
        assertEquals("Not found: shard 17 not found", error(0, "POST", "/collections/" + c + "/shards/17/snapshots", null, 404));
    }

    @Test
    void aStreamedShardSnapshotUploadsBackAndFeedsTheOtherReplica() throws Exception {
        String c = unique("stream");
        collection(c, 2, 2, 40);
        int shard = 0;
        Path file = dir.resolve("shard.snapshot");
        HttpResponse<Path> streamed = QdrantDoubleTestBase.CLIENT.send(HttpRequest.newBuilder(
                url(0).resolve("/collections/" + c + "/shards/" + shard + "/snapshot")).build(), HttpResponse.BodyHandlers.ofFile(file));
        assertEquals(200, streamed.statusCode());
        assertEquals(0, result(0, "GET", "/collections/" + c + "/shards/" + shard + "/snapshots", null).size(),
                "a stream leaves nothing behind");
        long shardPoints = result(0, "GET", "/collections/" + c + "/cluster", null).get("local_shards").findParents("shard_id")
                .stream().filter(s -> s.get("shard_id").asInt() == shard).findFirst().orElseThrow().get("points_count").asLong();
        result(0, "POST", "/collections/" + c + "/points/delete?wait=true", "{\"points\":[0,1,2,3,4,5,6,7,8,9]}");
        String sha = SnapshotStore.sha256(file);
        String path = "/collections/" + c + "/shards/" + shard + "/snapshots/upload?priority=snapshot&checksum=";
        assertEquals("Checksum mismatch: expected " + sha + ", actual " + "0".repeat(64),
                QdrantDoubleTestBase.error(QdrantDoubleTestBase.expect("POST", path, QdrantDoubleTestBase.upload(url(0),
                        path + "0".repeat(64), "snapshot", file), 400)));
        QdrantDoubleTestBase.expect("POST", path, QdrantDoubleTestBase.upload(url(0), path + sha, "snapshot", file), 200);
        awaitActive(c);
        int back = result(1, "POST", "/collections/" + c + "/points", "{\"ids\":[0,1,2,3,4,5,6,7,8,9]}").size();
        assertTrue(back > 0 && back < 10, "the deleted points of shard " + shard + " are back, the others not: " + back);
        assertEquals(30 + back, count(0, c));
        for (int node = 0; node < 3; node++) {
            for (JsonNode local : result(node, "GET", "/collections/" + c + "/cluster", null).get("local_shards")) {
                if (local.get("shard_id").asInt() == shard) {
                    assertEquals(shardPoints, local.get("points_count").asLong(), "every replica holds what was streamed");
                }
            }
        }
    }

    @Test
    void aCollectionSnapshotOnANodeHoldsOnlyItsOwnShards() throws Exception {
        String c = unique("colsnap");
        collection(c, 3, 1, 30);
        Set<Integer> local = localShards(2, c);
        String name = result(2, "POST", "/collections/" + c + "/snapshots?wait=true", null).get("name").asText();
        Path file = dir.resolve("c.snapshot");
        QdrantDoubleTestBase.CLIENT.send(HttpRequest.newBuilder(url(2).resolve("/collections/" + c + "/snapshots/" + name)).build(),
                HttpResponse.BodyHandlers.ofFile(file));
        Set<Integer> withData = new TreeSet<>();
        try (var in = Files.newInputStream(file)) {
            TarFormat.read(in, (entry, size, data) -> {
                if (entry.matches("\\d+/segments/.*")) {
                    withData.add(Integer.parseInt(entry.substring(0, entry.indexOf('/'))));
                }
            });
        }
        assertEquals(local, withData, "segments only for the node's local shards");
    }

    @Test
    void customShardKeysNumberTheirShardsAfterTheHighestAndRouteTheirPoints() throws Exception {
        String c = unique("tenants");
        result(0, "PUT", "/collections/" + c, "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"sharding_method\":\"custom\","
                + "\"shard_number\":2,\"replication_factor\":2}");
        result(1, "PUT", "/collections/" + c + "/shards", "{\"shard_key\":\"eu\"}");
        result(2, "PUT", "/collections/" + c + "/shards", "{\"shard_key\":\"us\",\"shards_number\":1,\"replication_factor\":1}");
        assertEquals("Bad request: Shard key eu already exists",
                error(0, "PUT", "/collections/" + c + "/shards", "{\"shard_key\":\"eu\"}", 400));
        awaitActive(c);
        JsonNode info = result(0, "GET", "/collections/" + c + "/cluster", null);
        assertEquals(3, info.get("shard_count").asInt());
        Set<Integer> eu = new TreeSet<>();
        List<JsonNode> all = new ArrayList<>(info.get("local_shards").findParents("shard_id"));
        all.addAll(info.get("remote_shards").findParents("shard_id"));
        all.stream().filter(s -> "eu".equals(s.path("shard_key").asText())).forEach(s -> eu.add(s.get("shard_id").asInt()));
        assertEquals(Set.of(1, 2), eu, "the first key's shards start at 1");
        assertEquals("Wrong input: Shard key not specified", error(0, "PUT", "/collections/" + c + "/points?wait=true",
                "{\"points\":" + QdrantClusterTestBase.points(0, 2, "x") + "}", 400));
        result(0, "PUT", "/collections/" + c + "/points?wait=true", "{\"points\":" + QdrantClusterTestBase.points(0, 10, "eu")
                + ",\"shard_key\":\"eu\"}");
        result(0, "PUT", "/collections/" + c + "/points?wait=true", "{\"points\":" + QdrantClusterTestBase.points(10, 13, "us")
                + ",\"shard_key\":\"us\"}");
        assertEquals(13, count(1, c));
        assertEquals(3, result(0, "POST", "/collections/" + c + "/points/count", "{\"exact\":true,\"shard_key\":\"us\"}")
                .get("count").asInt());
        assertEquals(Set.of("eu", "us"), new TreeSet<>(result(2, "GET", "/collections/" + c + "/shards", null)
                .get("shard_keys").findValuesAsText("key")));
    }

    @Test
    void payloadIndexesMadeOnOneNodeShowOnTheOthers() throws Exception {
        String c = unique("indexed");
        collection(c, 2, 2, 4);
        result(1, "PUT", "/collections/" + c + "/index?wait=true", "{\"field_name\":\"tag\",\"field_schema\":\"keyword\"}");
        assertEquals("keyword", result(2, "GET", "/collections/" + c, null).at("/payload_schema/tag/data_type").asText());
    }
}
