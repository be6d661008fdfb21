package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.ShardLayout;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A Qdrant cluster over the REST URL of each peer ({@code qdrant.nodes}). {@code GET /cluster} reports only
 * peer-to-peer URIs, so each URL is asked for its own {@code peer_id} and the map is built here.
 */
public final class QdrantClusterNodes implements ClusterNodes {
    private final List<ClusterNode> nodes = new ArrayList<>();
    private volatile Map<Long, ClusterNode> byPeer;
    private volatile List<ShardLayout.Peer> peers;

    public QdrantClusterNodes(List<URI> urls, String apiKeyOrNull, Duration requestTimeout, Duration transferIdleTime) {
        this(urls, apiKeyOrNull, requestTimeout, transferIdleTime, RetryPolicy.DEFAULT);
    }

    QdrantClusterNodes(List<URI> urls, String apiKeyOrNull, Duration requestTimeout, Duration transferIdleTime, RetryPolicy retry) {
        if (urls.isEmpty()) {
            throw RagbackException.malformed("qdrant.nodes is empty: list the REST URL of every Qdrant peer");
        }
        for (URI url : urls) {
            nodes.add(new ClusterNode(url, new QdrantHttp(url, apiKeyOrNull, requestTimeout, retry), transferIdleTime));
        }
    }

    @Override
    public List<ShardLayout.Peer> peers() {
        map();
        return peers;
    }

    private synchronized Map<Long, ClusterNode> map() {
        if (byPeer != null) {
            return byPeer;
        }
        Map<Long, ClusterNode> answered = new LinkedHashMap<>();
        Map<Long, String> reported = new TreeMap<>();
        List<ClusterNode> silent = new ArrayList<>();
        for (ClusterNode node : nodes) {
            JsonNode cluster;
            try {
                cluster = node.http().getResult("/cluster");
            } catch (RagbackException e) {
                if (e.kind() != RagbackException.Kind.EXTERNAL) {
                    throw e;
                }
                silent.add(node);
                continue;
            }
            if (!"enabled".equals(cluster.path("status").asText())) {
                throw RagbackException.malformed("qdrant.nodes lists " + node.http().where() + ", which runs as a single node"
                        + " (GET /cluster: status " + cluster.path("status").asText("?") + "): qdrant.nodes is for a cluster;"
                        + " use qdrant.url for a single node");
            }
            long self = cluster.path("peer_id").asLong();
            if (answered.containsKey(self)) {
                throw RagbackException.malformed("qdrant.nodes lists two URLs for peer " + self + ": "
                        + answered.get(self).http().where() + " and " + node.http().where());
            }
            answered.put(self, node);
            for (Iterator<Map.Entry<String, JsonNode>> it = cluster.path("peers").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> peer = it.next();
                reported.put(Long.parseLong(peer.getKey()), peer.getValue().path("uri").asText(""));
            }
        }
        if (answered.isEmpty()) {
            throw RagbackException.external("no Qdrant node in qdrant.nodes answers GET /cluster ("
                    + String.join(", ", nodes.stream().map(n -> n.http().where()).toList()) + ")", QdrantHttp.UNREACHABLE_HINT, null);
        }
        List<Long> unmapped = reported.keySet().stream().filter(id -> !answered.containsKey(id)).toList();
        // a node that is down cannot say its id: as many unmapped peers as silent URLs are taken to be those nodes
        if (unmapped.size() > silent.size()) {
            long peer = unmapped.get(0);
            throw RagbackException.malformed("Qdrant peer " + peer + " (" + reported.get(peer) + ") is in the cluster, but no URL"
                    + " in qdrant.nodes answers for it: add its REST URL to qdrant.nodes (QDRANT_NODES)");
        }
        List<ShardLayout.Peer> all = new ArrayList<>();
        for (Map.Entry<Long, String> peer : reported.entrySet()) {
            ClusterNode node = answered.get(peer.getKey());
            all.add(node != null ? new ShardLayout.Peer(peer.getKey(), peer.getValue(), node.http().where(), "up")
                    : new ShardLayout.Peer(peer.getKey(), peer.getValue(), null, "down (its node does not answer: "
                    + String.join(", ", silent.stream().map(n -> n.http().where()).toList()) + ")"));
        }
        peers = List.copyOf(all);
        byPeer = java.util.Collections.unmodifiableMap(answered); // in qdrant.nodes order: the first answering URL serves collection-wide calls
        return byPeer;
    }

    @Override
    public ShardLayout layout(String collection) {
        Map<Integer, Map<Long, ShardLayout.Replica>> replicas = new TreeMap<>();
        Map<Integer, Object> keys = new TreeMap<>();
        int shardCount = 0;
        int transfers = 0;
        List<Long> unreachable = new ArrayList<>();
        String path = "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/cluster";
        for (Map.Entry<Long, ClusterNode> entry : map().entrySet()) {
            QdrantHttp http = entry.getValue().http();
            QdrantHttp.Reply reply;
            JsonNode info;
            try {
                reply = http.get(path, Set.of(404));
                info = reply.status() == 404 ? null : http.result("GET", path, reply);
            } catch (RagbackException e) {
                if (e.kind() != RagbackException.Kind.EXTERNAL) {
                    throw e;
                }
                unreachable.add(entry.getKey());
                continue;
            }
            if (info == null) {
                // told by the status: a message names the node's URL, and a port such as 40491 holds "404" too
                throw http.statusFailure("GET", path, reply).failure();
            }
            shardCount = Math.max(shardCount, info.path("shard_count").asInt());
            transfers = Math.max(transfers, info.path("shard_transfers").size());
            for (JsonNode local : info.path("local_shards")) {
                put(replicas, keys, local, entry.getKey(), local.path("points_count").asLong());
            }
            for (JsonNode remote : info.path("remote_shards")) {
                put(replicas, keys, remote, remote.path("peer_id").asLong(), null);
            }
        }
        peers().stream().filter(p -> p.restUrl() == null).forEach(p -> unreachable.add(p.id()));
        List<ShardLayout.Shard> shards = new ArrayList<>();
        replicas.forEach((id, byPeerId) -> shards.add(new ShardLayout.Shard(id, keys.get(id), List.copyOf(byPeerId.values()))));
        return new ShardLayout(shardCount, List.copyOf(shards), transfers, List.copyOf(unreachable));
    }

    // the holding node's own report wins over what other nodes say of that replica
    private static void put(Map<Integer, Map<Long, ShardLayout.Replica>> replicas, Map<Integer, Object> keys, JsonNode shard,
                            long peer, Long points) {
        int id = shard.path("shard_id").asInt();
        JsonNode key = shard.path("shard_key");
        if (key.isTextual() || key.isIntegralNumber()) {
            keys.put(id, key.isTextual() ? key.asText() : (Object) key.asLong());
        }
        Map<Long, ShardLayout.Replica> byPeerId = replicas.computeIfAbsent(id, i -> new TreeMap<>());
        ShardLayout.Replica known = byPeerId.get(peer);
        if (known == null || known.pointsCount() == null) {
            byPeerId.put(peer, new ShardLayout.Replica(peer, shard.path("state").asText("?"), points));
        }
    }

    @Override
    public OptionalLong countShard(long peer, String collection, int shardId) {
        QdrantHttp http = node(peer).http();
        String path = "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/shards/" + shardId
                + "/points/count";
        QdrantHttp.Reply reply = http.send("POST", path, http.write(Map.of("exact", true)), true, Set.of(404));
        if (reply.status() == 404) {
            if (http.envelopeError(reply.body()) == null) {
                return OptionalLong.empty(); // no such route: Qdrant before 1.11.1
            }
            throw http.statusFailure("POST", path, reply).failure();
        }
        JsonNode count = http.result("POST", path, reply).path("count");
        if (!count.isIntegralNumber()) {
            throw http.unreadable("POST", path, "no 'count' in the answer", null);
        }
        return OptionalLong.of(count.asLong());
    }

    @Override
    public JsonNode payloadSchema(String collection) {
        String path = "/collections/" + QdrantRestVectorStore.segment("collection name", collection);
        JsonNode schema = any().http().getResult(path).path("payload_schema");
        return schema.isObject() ? schema : JsonNodeFactory.instance.objectNode();
    }

    @Override
    public FileDigest downloadShard(long peer, String collection, int shardId, FileTarget target, String relativePath,
                                    LongConsumer progress) {
        return node(peer).shards().download(collection, shardId, target, relativePath, progress);
    }

    @Override
    public void createCollection(String collection, JsonNode config) {
        ClusterNode node = any();
        String path = "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "?timeout=60";
        node.http().result("PUT", path, node.http().send("PUT", path, node.http().write(ShardedCollectionBody.of(config)), false,
                Set.of(), QdrantSnapshots.CREATE_TIMEOUT));
    }

    @Override
    public void createShardKey(String collection, Object key, int shardsNumber, int replicationFactor) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putPOJO("shard_key", key);
        body.put("shards_number", shardsNumber);
        body.put("replication_factor", replicationFactor);
        ClusterNode node = any();
        String path = "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/shards?timeout=60";
        node.http().result("PUT", path, node.http().send("PUT", path, node.http().write(body), false, Set.of()));
    }

    @Override
    public void createPayloadIndex(String collection, String field, JsonNode schema) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("field_name", field);
        body.set("field_schema", schema.has("params") ? schema.get("params") : schema.path("data_type"));
        ClusterNode node = any();
        String path = "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/index?wait=true";
        node.http().result("PUT", path, node.http().send("PUT", path, node.http().write(body), true, Set.of()));
    }

    @Override
    public void uploadShard(long peer, String collection, int shardId, Path file, String sha256, String uploadName) {
        node(peer).shards().upload(collection, shardId, file, sha256, uploadName);
    }

    @Override
    public List<String> deleteShardSnapshots(List<Long> peers, String collection, int shardId, String name) {
        List<String> left = new ArrayList<>();
        for (long peer : peers) {
            try {
                node(peer).shards().delete(collection, shardId, name);
            } catch (RagbackException e) {
                left.add("peer " + peer + ": " + e.getMessage());
            }
        }
        return left;
    }

    @Override
    public URI entryPoint() {
        return any().url();
    }

    private ClusterNode any() {
        return map().values().iterator().next();
    }

    private ClusterNode node(long peer) {
        ClusterNode node = map().get(peer);
        if (node == null) {
            throw RagbackException.external("Qdrant peer " + peer + " does not answer at any URL in qdrant.nodes",
                    "start that node, or check qdrant.nodes (QDRANT_NODES)", null);
        }
        return node;
    }

    @Override
    public String toString() {
        return "QdrantClusterNodes" + nodes.stream().map(n -> n.http().where()).toList();
    }

    /** One peer's REST endpoint. */
    private record ClusterNode(URI url, QdrantHttp http, QdrantShardSnapshots shards) {
        ClusterNode(URI url, QdrantHttp http, Duration idle) {
            this(url, http, new QdrantShardSnapshots(http, idle));
        }
    }
}
