package dev.ragback.testing.qdrant;

import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A fresh 3-node cluster of doubles per test, and calls whose requests and answers are both checked
 * against Qdrant's openapi.json.
 */
abstract class QdrantClusterTestBase {
    static final Duration ACTIVATION = Duration.ofMillis(60);

    QdrantDoubleCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = QdrantDoubleCluster.start(3);
        cluster.activationDelay(ACTIVATION);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    /** A JSON call to node {@code node}: the request must fit the contract, the answer must have the status and fit it too. */
    HttpResponse<String> call(int node, String method, String pathAndQuery, String body, int expectedStatus)
            throws Exception {
        ValidationReport request = QdrantContract.validateRequest(method, pathAndQuery, body);
        assertFalse(request.hasErrors(), () -> "request " + method + " " + pathAndQuery + " " + body + "\n"
                + QdrantContract.describe(request));
        return QdrantDoubleTestBase.expect(method, pathAndQuery,
                QdrantDoubleTestBase.send(cluster.node(node), method, pathAndQuery, body), expectedStatus);
    }

    JsonNode result(int node, String method, String pathAndQuery, String body) throws Exception {
        return QdrantDoubleTestBase.json(call(node, method, pathAndQuery, body, 200)).get("result");
    }

    String error(int node, String method, String pathAndQuery, String body, int expectedStatus) throws Exception {
        return QdrantDoubleTestBase.error(call(node, method, pathAndQuery, body, expectedStatus));
    }

    /** Uploads {@code file} as a shard snapshot to node {@code node}; the answer is checked against the contract. */
    HttpResponse<String> uploadShard(int node, String collection, int shard, Path file, String query, int expectedStatus)
            throws Exception {
        String pathAndQuery = "/collections/" + collection + "/shards/" + shard + "/snapshots/upload"
                + (query == null ? "" : "?" + query);
        URI base = cluster.node(node).url();
        return QdrantDoubleTestBase.expect("POST", pathAndQuery,
                QdrantDoubleTestBase.upload(base, pathAndQuery, "snapshot", file), expectedStatus);
    }

    /** A streamed shard snapshot from node {@code node}, saved to {@code target}. */
    Path streamShard(int node, String collection, int shard, Path target) throws Exception {
        HttpResponse<Path> response = QdrantDoubleTestBase.CLIENT.send(java.net.http.HttpRequest.newBuilder(
                        cluster.node(node).url().resolve("/collections/" + collection + "/shards/" + shard + "/snapshot"))
                .GET().build(), HttpResponse.BodyHandlers.ofFile(target));
        if (response.statusCode() != 200) {
            fail("stream of shard " + shard + " from node " + node + ": " + response.statusCode() + " " + Files.readString(target));
        }
        return target;
    }

    void createCollection(String name, int shards, int replicas) throws Exception {
        result(0, "PUT", "/collections/" + name, "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"shard_number\":"
                + shards + ",\"replication_factor\":" + replicas + ",\"write_consistency_factor\":1}");
    }

    /** Points {@code from} … {@code to - 1}, vector {@code [id, 1]}, payload {@code {n: id, tag}}, through node 0. */
    void upsert(String collection, int from, int to, String tag) throws Exception {
        result(0, "PUT", "/collections/" + collection + "/points?wait=true", "{\"points\":" + points(from, to, tag) + "}");
    }

    static String points(int from, int to, String tag) {
        List<String> points = new ArrayList<>();
        for (int id = from; id < to; id++) {
            points.add("{\"id\":" + id + ",\"vector\":[" + id + ",1],\"payload\":{\"n\":" + id + ",\"tag\":\"" + tag + "\"}}");
        }
        return "[" + String.join(",", points) + "]";
    }

    long count(int node, String collection) throws Exception {
        return result(node, "POST", "/collections/" + collection + "/points/count", "{\"exact\":true}").get("count").asLong();
    }

    JsonNode clusterInfo(int node, String collection) throws Exception {
        return result(node, "GET", "/collections/" + collection + "/cluster", null);
    }

    /** Every replica state of the collection as node 0 reports them, as "shard@peer=State", shard order. */
    List<String> states(String collection) throws Exception {
        JsonNode info = clusterInfo(0, collection);
        List<String> states = new ArrayList<>();
        info.get("local_shards").forEach(s -> states.add(s.get("shard_id") + "@" + cluster.peerId(0) + "=" + s.get("state").asText()));
        info.get("remote_shards").forEach(s -> states.add(s.get("shard_id") + "@" + s.get("peer_id") + "=" + s.get("state").asText()));
        states.sort(null);
        return states;
    }

    /** Waits (polling, at most 5 s) until every replica is Active and no transfer runs. */
    void awaitActive(String collection) throws Exception {
        Instant deadline = Instant.now().plusSeconds(5);
        while (true) {
            JsonNode info = clusterInfo(0, collection);
            boolean active = info.get("shard_transfers").isEmpty()
                    && states(collection).stream().allMatch(s -> s.endsWith("=Active"));
            if (active) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                fail("replicas not Active after 5 s: " + states(collection) + " transfers " + info.get("shard_transfers"));
            }
            Thread.sleep(10);
        }
    }
}
