package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What {@link QdrantDoubleCluster#down(int)} copies, pinned against a real 3-node cluster of its own
 * (a node is stopped, so it does not share the cluster of {@link QdrantClusterContainerTest}): the
 * stopped peer stays listed in {@code /cluster}, send failures to it are reported, and its replicas
 * turn Dead once a write reaches their shards. Runs where Docker runs (CI).
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantClusterNodeDownContainerTest {
    private static final Network NETWORK = Network.newNetwork();
    private static final List<GenericContainer<?>> NODES = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        NODES.addAll(QdrantClusterContainerTest.startNodes(NETWORK));
    }

    @AfterAll
    static void stopCluster() {
        NODES.forEach(GenericContainer::stop);
        NETWORK.close();
    }

    private static JsonNode result(int node, String method, String path, String json) throws Exception {
        GenericContainer<?> container = NODES.get(node);
        URI base = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(6333));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = QdrantDoubleTestBase.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return QdrantDoubleTestBase.json(QdrantDoubleTestBase.expect(method, path, response, 200)).get("result");
    }

    private static long deadReplicasOf(long peer) throws Exception {
        JsonNode info = result(0, "GET", "/collections/down/cluster", null);
        return info.get("remote_shards").findParents("peer_id").stream()
                .filter(r -> r.get("peer_id").asLong() == peer && r.get("state").asText().equals("Dead")).count();
    }

    @Test
    void aStoppedPeerStaysListedAndItsReplicasTurnDeadOnTheNextWrite() throws Exception {
        result(0, "PUT", "/collections/down", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"shard_number\":3,"
                + "\"replication_factor\":2}");
        result(0, "PUT", "/collections/down/points?wait=true", "{\"points\":" + QdrantClusterTestBase.points(0, 30, "v1") + "}");
        long stopped = result(2, "GET", "/cluster", null).get("peer_id").asLong();
        NODES.get(2).getDockerClient().stopContainerCmd(NODES.get(2).getContainerId()).exec();
        Instant deadline = Instant.now().plusSeconds(60);
        int batch = 0;
        while (deadReplicasOf(stopped) < 2 || result(0, "GET", "/cluster", null).get("message_send_failures").isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                fail("the stopped peer's replicas not Dead after 60 s: " + result(0, "GET", "/collections/down/cluster", null)
                        + " " + result(0, "GET", "/cluster", null));
            }
            batch++;
            result(0, "PUT", "/collections/down/points?wait=true",
                    "{\"points\":" + QdrantClusterTestBase.points(100 * batch, 100 * batch + 30, "v2") + "}");
            Thread.sleep(500);
        }
        assertEquals(3, result(0, "GET", "/cluster", null).get("peers").size(), "the stopped peer is still listed");
        assertEquals(2, deadReplicasOf(stopped), "its two replicas (3 shards x 2 over 3 peers), no more");
    }
}
