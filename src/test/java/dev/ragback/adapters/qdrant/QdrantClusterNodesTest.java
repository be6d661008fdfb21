package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.port.ShardLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster adapter against canned nodes: the peer map, placement merged from every node, the shard snapshot calls. */
class QdrantClusterNodesTest {
    private static final String PEERS = "{\"11\":{\"uri\":\"http://qdrant-0:6335/\"},\"22\":{\"uri\":\"http://qdrant-1:6335/\"}}";

    @TempDir
    Path dir;

    private final CannedQdrantNode a = node(11, PEERS);
    private final CannedQdrantNode b = node(22, PEERS);

    private static CannedQdrantNode node(long peer, String peers) {
        return new CannedQdrantNode().result("GET", "/cluster", "{\"status\":\"enabled\",\"peer_id\":" + peer + ",\"peers\":" + peers
                + ",\"raft_info\":{\"term\":1,\"commit\":9,\"pending_operations\":0,\"leader\":11,\"role\":\"Leader\",\"is_voter\":true},"
                + "\"consensus_thread_status\":{\"consensus_thread_status\":\"working\",\"last_update\":\"2026-12-04T10:00:00Z\"},"
                + "\"message_send_failures\":{}}")
                .raw("GET", "/", "{\"title\":\"qdrant - vector search engine\",\"version\":\"1.19.0\",\"commit\":\"74f3e85\"}"
                        .getBytes(StandardCharsets.UTF_8));
    }

    private QdrantClusterNodes cluster(CannedQdrantNode... nodes) {
        return new QdrantClusterNodes(java.util.Arrays.stream(nodes).map(CannedQdrantNode::url).toList(), null,
                Duration.ofSeconds(5), Duration.ofSeconds(5), new RetryPolicy(1, Duration.ZERO));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void eachUrlSaysWhichPeerItIs() {
        List<ShardLayout.Peer> peers = cluster(b, a).peers();
        assertEquals(List.of(11L, 22L), peers.stream().map(ShardLayout.Peer::id).toList());
        assertEquals("http://127.0.0.1:" + a.url().getPort(), peers.get(0).restUrl());
        assertEquals("http://qdrant-1:6335/", peers.get(1).p2pUri());
        assertEquals("up", peers.get(1).state());
    }

    @Test
    void collectionWideCallsGoToTheFirstUrlThatAnswersNotToTheFirstListed() {
        java.net.URI down = java.net.URI.create("http://127.0.0.1:" + dev.ragback.testing.pg.ThrowawayPostgres.closedPort());
        QdrantClusterNodes nodes = new QdrantClusterNodes(List.of(down, b.url(), a.url()), null, Duration.ofSeconds(5),
                Duration.ofSeconds(5), new RetryPolicy(1, Duration.ZERO));
        assertEquals(b.url(), nodes.entryPoint(), "node 1 is down: the next one listed serves counts, probes and aliases");
        assertEquals(a.url(), cluster(a, b).entryPoint());
    }

    @Test
    void aPeerNoConfiguredUrlAnswersForIsAConfigurationError() {
        try (CannedQdrantNode c = node(11, PEERS.replace("}}", "},\"33\":{\"uri\":\"http://qdrant-2:6335/\"}}"))) {
            RagbackException e = assertThrows(RagbackException.class, () -> cluster(c, b).peers());
            assertEquals(RagbackException.Kind.MALFORMED_INPUT, e.kind());
            assertEquals("Qdrant peer 33 (http://qdrant-2:6335/) is in the cluster, but no URL in qdrant.nodes answers for it:"
                    + " add its REST URL to qdrant.nodes (QDRANT_NODES)", e.getMessage());
        }
    }

    @Test
    void placementIsMergedAndAHoldersOwnStateAndCountWin() {
        a.result("GET", "/collections/docs/cluster", "{\"peer_id\":11,\"shard_count\":2,\"local_shards\":[{\"shard_id\":0,"
                + "\"points_count\":5,\"state\":\"Active\"}],\"remote_shards\":[{\"shard_id\":1,\"peer_id\":22,\"state\":\"Active\"}],"
                + "\"shard_transfers\":[]}");
        b.result("GET", "/collections/docs/cluster", "{\"peer_id\":22,\"shard_count\":2,\"local_shards\":[{\"shard_id\":1,"
                + "\"points_count\":7,\"state\":\"Partial\"}],\"remote_shards\":[{\"shard_id\":0,\"peer_id\":11,\"state\":\"Active\"}],"
                + "\"shard_transfers\":[{\"shard_id\":1,\"from\":11,\"to\":22,\"sync\":true}]}");
        ShardLayout layout = cluster(a, b).layout("docs");
        assertEquals(2, layout.shardCount());
        assertEquals(1, layout.transfers());
        assertEquals(List.of(new ShardLayout.Replica(11, "Active", 5L)), layout.shard(0).orElseThrow().replicas());
        assertEquals(List.of(new ShardLayout.Replica(22, "Partial", 7L)), layout.shard(1).orElseThrow().replicas());
        assertEquals(List.of("shard 1 (peer 22: Partial)"), layout.notActive());
    }

    @Test
    void aPeerThatFailsIsUnreachableEvenWhenItsMessageHolds404AndOnlyA404StopsTheLayout() {
        a.result("GET", "/collections/docs/cluster", "{\"peer_id\":11,\"shard_count\":1,\"local_shards\":[{\"shard_id\":0,"
                + "\"points_count\":5,\"state\":\"Active\"}],\"remote_shards\":[],\"shard_transfers\":[]}");
        // a node's URL is in every message about it: a port such as 40491 once made a node that went down look like a 404
        b.status("GET", "/collections/docs/cluster", 500, "{\"status\":{\"error\":\"peer 404 gone\"},\"time\":0.1}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(22L), cluster(a, b).layout("docs").unreachable());
        b.status("GET", "/collections/docs/cluster", 404, "{\"status\":{\"error\":\"Not found: Collection `docs` doesn't exist!\"},\"time\":0.1}"
                .getBytes(StandardCharsets.UTF_8));
        RagbackException e = assertThrows(RagbackException.class, () -> cluster(a, b).layout("docs"));
        assertTrue(e.getMessage().contains("answered 404 for GET /collections/docs/cluster"), e.getMessage());
    }

    @Test
    void aShardIsCountedExactlyOnThePeerAskedAndAServerWithoutTheCallSaysSo() {
        b.result("POST", "/collections/docs/shards/1/points/count", "{\"count\":7}");
        QdrantClusterNodes nodes = cluster(a, b);
        assertEquals(java.util.OptionalLong.of(7), nodes.countShard(22, "docs", 1));
        CannedQdrantNode.Seen count = b.seen.stream().filter(s -> s.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("{\"exact\":true}", new String(count.body(), StandardCharsets.UTF_8));
        assertTrue(a.seen.stream().noneMatch(s -> s.pathAndQuery().contains("/points/count")), "only the peer asked");

        a.status("POST", "/collections/docs/shards/0/points/count", 404, new byte[0]); // Qdrant before 1.11.1: no route
        assertEquals(java.util.OptionalLong.empty(), nodes.countShard(11, "docs", 0));
        a.status("POST", "/collections/docs/shards/3/points/count", 404,
                "{\"status\":{\"error\":\"Not found: shard 3 not found\"},\"time\":0.1}".getBytes(StandardCharsets.UTF_8));
        RagbackException e = assertThrows(RagbackException.class, () -> nodes.countShard(11, "docs", 3));
        assertTrue(e.getMessage().contains("404") && e.getMessage().contains("shard 3 not found"), e.getMessage());
    }

    @Test
    void aShardIsStreamedFromThePeerAskedAndHashed() throws Exception {
        byte[] tar = "shard 3 tar bytes".getBytes(StandardCharsets.UTF_8);
        b.raw("GET", "/collections/docs/shards/3/snapshot", tar);
        Path file = dir.resolve("3.snapshot");
        FileDigest digest = cluster(a, b).downloadShard(22, "docs", 3, FileTarget.file(file), "qdrant/shards/3.snapshot", n -> { });
        assertArrayEquals(tar, Files.readAllBytes(file));
        assertEquals(tar.length, digest.size());
        assertTrue(a.seen.stream().noneMatch(s -> s.pathAndQuery().contains("/shards/")), "only the peer asked");
    }

    @Test
    void anUploadNamesPriorityAndChecksumAndGoesToThePeerAsked() throws Exception {
        b.result("POST", "/collections/docs/shards/2/snapshots/upload", "true");
        Path file = Files.writeString(dir.resolve("2.snapshot"), "x");
        String sha = "AB".repeat(32);
        cluster(a, b).uploadShard(22, "docs", 2, file, sha, "ragback-s1-docs.snapshot");
        CannedQdrantNode.Seen upload = b.seen.stream().filter(s -> s.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("/collections/docs/shards/2/snapshots/upload?wait=true&priority=snapshot&checksum=" + "ab".repeat(32),
                upload.pathAndQuery());
        assertTrue(new String(upload.body(), StandardCharsets.UTF_8).contains("filename=\"ragback-s1-docs.snapshot\""));
    }

    @Test
    void aNewCollectionIsCreatedFromTheRecordedConfig() throws Exception {
        a.result("PUT", "/collections/docs_r1", "true");
        JsonNode config = new ObjectMapper().readTree("{\"params\":{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":6,"
                + "\"sharding_method\":\"custom\",\"replication_factor\":2,\"write_consistency_factor\":1,\"on_disk_payload\":true},"
                + "\"hnsw_config\":{\"m\":16},\"optimizer_config\":{\"indexing_threshold\":10000},\"wal_config\":{\"wal_capacity_mb\":32},"
                + "\"quantization_config\":null}");
        cluster(a, b).createCollection("docs_r1", config);
        CannedQdrantNode.Seen put = a.seen.stream().filter(s -> s.method().equals("PUT")).findFirst().orElseThrow();
        JsonNode body = new ObjectMapper().readTree(put.body());
        assertEquals(6, body.path("shard_number").asInt());
        assertEquals("custom", body.path("sharding_method").asText());
        assertEquals(2, body.path("replication_factor").asInt());
        assertEquals(10000, body.path("optimizers_config").path("indexing_threshold").asInt());
        assertTrue(body.path("optimizer_config").isMissingNode() && body.path("quantization_config").isMissingNode(), body.toString());
    }
}
