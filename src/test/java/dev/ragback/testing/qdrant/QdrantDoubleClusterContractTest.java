package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every answer the cluster mode adds, and every request body it accepts, must be one Qdrant's
 * openapi.json allows (the cluster part of {@link QdrantDoubleContractTest}; {@link #call} checks both).
 */
class QdrantDoubleClusterContractTest extends QdrantClusterTestBase {
    @TempDir
    Path dir;

    @Test
    void clusterInfoFitsTheSpecAlsoWithAPeerDown() throws Exception {
        call(1, "GET", "/cluster", null, 200);
        cluster.down(0);
        JsonNode info = result(1, "GET", "/cluster", null);
        assertEquals(cluster.peerId(1), info.at("/raft_info/leader").asLong(), "the first peer that is up leads");
        assertEquals("Leader", info.at("/raft_info/role").asText());
        assertEquals(1, info.get("message_send_failures").size());
        assertEquals("Follower", result(2, "GET", "/cluster", null).at("/raft_info/role").asText());
    }

    @Test
    void theFedReplicaIsDeadBeforeItsTransferStarts() throws Exception {
        Path saved = activeWithShard0Streamed("rag", 2, 10, dir);
        cluster.activationDelay(Duration.ofSeconds(30));
        uploadShard(0, "rag", 0, saved, "priority=snapshot&wait=true", 200);
        JsonNode info = clusterInfo(0, "rag");
        assertTrue(info.get("shard_transfers").isEmpty(), "the fed replica is Dead for the first half of the delay: " + info);
        assertEquals(1, states("rag").stream().filter(s -> s.startsWith("0@") && s.endsWith("=Dead")).count(),
                states("rag").toString());
    }

    @Test
    void aTransferIsListedAsTheSpecShapesIt() throws Exception {
        createCollection("rag", 1, 2);
        awaitActive("rag");
        Path saved = streamShard(0, "rag", 0, dir.resolve("s.snapshot"));
        cluster.activationDelay(Duration.ofMillis(100));
        uploadShard(0, "rag", 0, saved, "priority=snapshot", 200);
        cluster.stuckPartial("rag", 0, 1); // the transfer to node 1 never ends, however slow this machine is
        for (int i = 0; i < 600; i++) {
            JsonNode info = unchecked(0, "/collections/rag/cluster");
            JsonNode transfer = info.get("shard_transfers").get(0);
            if (transfer != null) {
                assertEquals(cluster.peerId(0), transfer.get("from").asLong());
                long to = transfer.get("to").asLong();
                assertTrue(transfer.get("sync").asBoolean());
                assertEquals(1, clusterInfo(0, "rag").get("shard_transfers").size(), "the stuck transfer, checked against the contract");
                assertEquals("Partial", info.get("remote_shards").findParents("peer_id").stream()
                        .filter(r -> r.get("peer_id").asLong() == to).findFirst().orElseThrow().get("state").asText());
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no transfer listed: " + states("rag"));
    }

    @Test
    void shardKeyRequestsAndAnswersFitTheSpec() throws Exception {
        result(0, "PUT", "/collections/t", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"sharding_method\":\"custom\"}");
        assertTrue(result(0, "GET", "/collections/t/shards", null).get("shard_keys").isEmpty());
        result(0, "PUT", "/collections/t/shards", "{\"shard_key\":7,\"shards_number\":2,\"replication_factor\":1,\"placement\":["
                + cluster.peerId(1) + "," + cluster.peerId(2) + "]}");
        assertEquals(7, result(0, "GET", "/collections/t/shards", null).at("/shard_keys/0/key").asInt());
        assertTrue(error(0, "PUT", "/collections/t/shards", "{\"shard_key\":\"x\",\"placement\":[42]}", 400)
                .startsWith("Bad request: Shard Key x placement contains unknown peers"));
        createCollection("auto", 1, 1);
        assertEquals("Bad request: Shard Key x cannot be created with Auto sharding method",
                error(0, "PUT", "/collections/auto/shards", "{\"shard_key\":\"x\"}", 400));
        assertTrue(result(0, "GET", "/collections/auto/shards", null).get("shard_keys").isNull());
        result(1, "PUT", "/collections/t/points?wait=true", "{\"points\":" + points(0, 4, "a") + ",\"shard_key\":7}");
        assertEquals("Wrong input: Shard key 8 not found", error(1, "POST", "/collections/t/points/count",
                "{\"exact\":true,\"shard_key\":8}", 400));
        JsonNode config = result(2, "GET", "/collections/t", null).at("/config/params");
        assertEquals("custom", config.get("sharding_method").asText());
    }

    @Test
    void shardSnapshotAnswersFitTheSpec() throws Exception {
        createCollection("rag", 1, 3);
        upsert("rag", 0, 5, "v1");
        String name = result(2, "POST", "/collections/rag/shards/0/snapshots", null).get("name").asText();
        assertEquals(name, result(2, "GET", "/collections/rag/shards/0/snapshots", null).at("/0/name").asText());
        HttpResponse<String> download = QdrantDoubleTestBase.send(cluster.node(2), "GET",
                "/collections/rag/shards/0/snapshots/" + name, null);
        assertEquals("application/octet-stream", download.headers().firstValue("Content-Type").orElse(null));
        HttpResponse<String> missing = QdrantDoubleTestBase.send(cluster.node(2), "GET",
                "/collections/rag/shards/0/snapshots/nope.snapshot", null);
        assertEquals(404, missing.statusCode());
        assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(202, call(2, "DELETE", "/collections/rag/shards/0/snapshots/" + name + "?wait=false", null, 202)
                .statusCode());
        assertEquals(202, call(2, "POST", "/collections/rag/shards/0/snapshots?wait=false", null, 202).statusCode());
        assertEquals("Not found: Collection `nope` doesn't exist!", error(0, "GET", "/collections/nope/shards/0/snapshots", null, 404));
    }

    @Test
    void uploadAnswersFitTheSpec() throws Exception {
        createCollection("rag", 1, 1);
        Path garbage = Files.writeString(dir.resolve("garbage.snapshot"), "not a tar");
        Path emptyTar = dir.resolve("empty.snapshot");
        try (var out = Files.newOutputStream(emptyTar)) {
            new TarFormat.Writer(out).finish();
        }
        assertEquals("Bad request: Invalid snapshot", QdrantDoubleTestBase.error(uploadShard(0, "rag", 0, emptyTar, null, 400)));
        assertTrue(QdrantDoubleTestBase.error(uploadShard(0, "rag", 0, garbage, null, 500)).startsWith("Service internal error"));
        assertEquals("Not found: shard 3 not found", QdrantDoubleTestBase.error(uploadShard(0, "rag", 3, emptyTar, null, 404)));
        assertTrue(QdrantDoubleTestBase.error(uploadShard(0, "rag", 0, emptyTar, "priority=first", 400)).contains("unknown variant"));
        assertEquals(422, uploadShard(0, "rag", 0, emptyTar, "checksum=abc", 422).statusCode());
    }

    /**
     * {@code POST /collections/{c}/shards/{id}/points/count} is served by Qdrant (src/actix/api/local_shard_api.rs) but
     * missing from openapi.json: its body is the documented count request and its answer the documented count answer,
     * so both are checked against {@code POST /collections/{c}/points/count}.
     */
    @Test
    void theLocalShardCountIsTheDocumentedCountOfThisNodesOwnReplica() throws Exception {
        createCollection("rag", 3, 1);
        awaitActive("rag");
        upsert("rag", 0, 30, "v1");
        String body = "{\"exact\":true}";
        assertFalse(QdrantContract.validateRequest("POST", "/collections/rag/points/count", body).hasErrors());
        long total = 0;
        for (int node = 0; node < 3; node++) {
            java.util.Map<Integer, Long> local = new java.util.TreeMap<>();
            clusterInfo(node, "rag").get("local_shards").forEach(l -> local.put(l.get("shard_id").asInt(),
                    l.get("points_count").asLong()));
            for (int shard = 0; shard < 3; shard++) {
                HttpResponse<String> answer = QdrantDoubleTestBase.send(cluster.node(node), "POST",
                        "/collections/rag/shards/" + shard + "/points/count", body);
                QdrantDoubleTestBase.assertValid("POST", "/collections/rag/points/count", answer);
                if (local.containsKey(shard)) {
                    assertEquals(200, answer.statusCode(), answer.body());
                    long count = QdrantDoubleTestBase.json(answer).at("/result/count").asLong();
                    assertEquals(local.get(shard), count, "nothing is optimized: the cluster info's filterless count is exact");
                    total += count;
                } else {
                    assertEquals(500, answer.statusCode(), answer.body());
                    assertEquals("Service internal error: Local shard " + shard + " not found", QdrantDoubleTestBase.error(answer));
                }
            }
        }
        assertEquals(30, total, "each shard counted once, on the node holding it");
        HttpResponse<String> missing = QdrantDoubleTestBase.send(cluster.node(0), "POST", "/collections/rag/shards/9/points/count", body);
        assertEquals(404, missing.statusCode());
        assertEquals("Not found: shard 9 not found", QdrantDoubleTestBase.error(missing));
    }

    @Test
    void payloadIndexesMadeOnAnyNodeFitTheSpecAndShowEverywhere() throws Exception {
        createCollection("rag", 2, 2);
        upsert("rag", 0, 3, "v1");
        result(0, "PUT", "/collections/rag/index?wait=true", "{\"field_name\":\"n\",\"field_schema\":{\"type\":\"integer\",\"range\":true}}");
        result(1, "PUT", "/collections/rag/index?wait=true", "{\"field_name\":\"tag\",\"field_schema\":\"keyword\"}");
        JsonNode schema = result(2, "GET", "/collections/rag", null).get("payload_schema");
        assertEquals("integer", schema.at("/n/data_type").asText());
        assertTrue(schema.at("/n/params/range").asBoolean());
        assertEquals("keyword", schema.at("/tag/data_type").asText());
        assertEquals(3, schema.at("/tag/points").asInt());
    }

    // --- proof that the validator checks these operations ---

    @Test
    void validatorRejectsAnUnknownReplicaStateAndAClusterWithoutPeerId() throws Exception {
        createCollection("rag", 1, 1);
        String info = QdrantDoubleTestBase.send(cluster.node(0), "GET", "/collections/rag/cluster", null).body();
        String wrong = info.replaceAll("\"(Initializing|Active)\"", "\"Sleeping\"");
        assertFalse(info.equals(wrong));
        QdrantDoubleTestBase.assertInvalid(QdrantContract.validate("GET", "/collections/rag/cluster", 200,
                "application/json", wrong));
        JsonNode status = QdrantDoubleTestBase.json(QdrantDoubleTestBase.send(cluster.node(0), "GET", "/cluster", null));
        ((ObjectNode) status.get("result")).remove("peer_id");
        QdrantDoubleTestBase.assertInvalid(QdrantContract.validate("GET", "/cluster", 200, "application/json", status.toString()));
        QdrantDoubleTestBase.assertInvalid(QdrantContract.validateRequest("PUT", "/collections/rag/shards", "{\"shards_number\":2}"));
    }
}
