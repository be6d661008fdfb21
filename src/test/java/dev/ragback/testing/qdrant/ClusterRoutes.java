package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One node's view of a {@link ClusterState}: {@code GET /cluster}, {@code GET /collections/{c}/cluster},
 * shard keys ({@code PUT/GET /collections/{c}/shards}), and the routing of writes and counts to shards.
 */
final class ClusterRoutes {
    private final ClusterState cluster;
    private final int index;
    private final CollectionStore store;

    ClusterRoutes(ClusterState cluster, int index, CollectionStore store) {
        this.cluster = cluster;
        this.index = index;
        this.store = store;
    }

    long peerId() {
        return cluster.peer(index).id();
    }

    ClusterState state() {
        return cluster;
    }

    ShardLayout layout(String collection) {
        return cluster.layout(store.require(collection));
    }

    /** {@code GET /cluster}: every peer with its p2p URI; peers that are down stay listed, with send failures. */
    Replies.Reply cluster() {
        ObjectNode result = Replies.JSON.createObjectNode();
        long leader = cluster.leader();
        result.put("status", "enabled").put("peer_id", peerId());
        ObjectNode peers = result.putObject("peers");
        ObjectNode failures = Replies.JSON.createObjectNode();
        for (ClusterState.Peer peer : cluster.peers()) {
            peers.putObject(String.valueOf(peer.id())).put("uri", peer.uri());
            if (peer.index() != index && cluster.isDown(peer.index())) {
                failures.putObject(peer.uri()).put("count", 3)
                        .put("latest_error", "Error in closure supplied to transport channel pool: status: Unavailable, "
                                + "message: \"tcp connect error: Connection refused (os error 111)\"")
                        .put("latest_error_timestamp", Instant.now().toString());
            }
        }
        result.putObject("raft_info").put("term", 2).put("commit", 42).put("pending_operations", 0).put("leader", leader)
                .put("role", leader == peerId() ? "Leader" : "Follower").put("is_voter", true);
        result.putObject("consensus_thread_status").put("consensus_thread_status", "working")
                .put("last_update", Instant.now().toString());
        result.set("message_send_failures", failures);
        return Replies.ok(result);
    }

    /**
     * {@code GET /collections/{c}/cluster} as Qdrant's {@code Collection::cluster_info}: local and remote
     * replicas sorted by shard id, {@code points_count} of local shards, transfers in flight;
     * {@code resharding_operations} is left out when there are none. Qdrant's {@code points_count} is a filterless
     * {@code exact: false} count: the sum of the segments' available points, exact while no optimization runs, and
     * the double never optimizes, so its figure is the exact one.
     */
    Replies.Reply collectionCluster(String collection) {
        ShardLayout layout = layout(collection);
        ObjectNode result = Replies.JSON.createObjectNode();
        result.put("peer_id", peerId());
        List<ShardLayout.Shard> shards = layout.shards();
        result.put("shard_count", shards.size());
        ArrayNode local = result.putArray("local_shards");
        ArrayNode remote = result.putArray("remote_shards");
        ArrayNode transfers = result.putArray("shard_transfers");
        Instant now = Instant.now();
        for (ShardLayout.Shard shard : shards) {
            for (ShardLayout.Replica replica : shard.replicas.values()) {
                String state = cluster.state(layout, shard, replica);
                ObjectNode info = replica.peer == peerId() ? local.addObject() : remote.addObject();
                info.put("shard_id", shard.id);
                if (shard.key != null) {
                    info.set("shard_key", shard.key);
                }
                if (replica.peer == peerId()) {
                    info.put("points_count", layout.pointsIn(shard.id));
                } else {
                    info.put("peer_id", replica.peer);
                }
                info.put("state", state);
                Long from = replica.transferAt(now, cluster.stuck(layout.collection.name(), shard.id, replica.peer));
                if (from != null) {
                    transfers.addObject().put("shard_id", shard.id).put("from", from).put("to", replica.peer)
                            .put("sync", true).put("method", "stream_records");
                }
            }
        }
        return Replies.ok(result);
    }

    /** {@code PUT /collections/{c}/shards}: a custom shard key with its shards, numbered after the highest shard id. */
    Replies.Reply createShardKey(String collection, JsonNode body) {
        ShardLayout layout = layout(collection);
        JsonNode key = body.get("shard_key");
        if (key == null || !(key.isTextual() || key.isIntegralNumber())) {
            throw QdrantError.format("missing field `shard_key`");
        }
        String name = key.asText();
        if (layout.method == ShardLayout.Method.AUTO) {
            throw new QdrantError(400, "Bad request: Shard Key " + name + " cannot be created with Auto sharding method");
        }
        if (!layout.shardsOfKey(key).isEmpty()) {
            throw new QdrantError(400, "Bad request: Shard key " + name + " already exists");
        }
        JsonNode params = layout.collection.configJson().path("params");
        int shards = positive(body, "shards_number", params.path("shard_number").asInt(1));
        int replicas = positive(body, "replication_factor", layout.replicationFactor);
        List<Long> placement = null;
        if (body.path("placement").isArray()) {
            placement = new ArrayList<>();
            for (JsonNode peer : body.get("placement")) {
                placement.add(peer.asLong());
            }
            if (placement.isEmpty()) {
                throw new QdrantError(400, "Bad request: Shard key " + name + " placement cannot be empty");
            }
            List<Long> unknown = placement.stream().filter(p -> !cluster.peerIds().contains(p)).toList();
            if (!unknown.isEmpty()) {
                throw new QdrantError(400, "Bad request: Shard Key " + name + " placement contains unknown peers: " + unknown);
            }
        }
        layout.addShards(layout.nextShardId(), shards, replicas, cluster.peerIds(), placement, key,
                Instant.now().plus(cluster.activationDelay()));
        return Replies.ok(BooleanNode.TRUE);
    }

    /** {@code GET /collections/{c}/shards}: the custom shard keys ({@code null} with auto sharding). */
    Replies.Reply shardKeys(String collection) {
        ShardLayout layout = layout(collection);
        ObjectNode result = Replies.JSON.createObjectNode();
        if (layout.method == ShardLayout.Method.AUTO) {
            result.putNull("shard_keys");
            return Replies.ok(result);
        }
        ArrayNode keys = result.putArray("shard_keys");
        Set<String> seen = new TreeSet<>();
        for (ShardLayout.Shard shard : layout.shards()) {
            if (seen.add(shard.key.toString())) {
                keys.addObject().set("key", shard.key);
            }
        }
        return Replies.ok(result);
    }

    /**
     * Before an upsert: with custom sharding the request's {@code shard_key} picks the shards (Qdrant's
     * "Shard key not specified" / "Shard key X not found" otherwise). Returns the shards written.
     */
    Set<Integer> routeUpsert(String collection, JsonNode body) {
        ShardLayout layout = layout(collection);
        List<PointId> ids = new ArrayList<>();
        for (JsonNode point : body.path("points")) {
            ids.add(PointId.of(point.get("id"), "points"));
        }
        Set<Integer> shards = new TreeSet<>();
        if (layout.method == ShardLayout.Method.CUSTOM) {
            List<Integer> keyShards = keyShards(layout, body.get("shard_key"));
            layout.assign(ids, keyShards);
        }
        ids.forEach(id -> shards.add(layout.shardOf(id)));
        cluster.written(layout, shards);
        return shards;
    }

    /** After any other write (a delete): every shard of the collection may have been touched. */
    void written(String collection) {
        ShardLayout layout = layout(collection);
        cluster.written(layout, layout.shards().stream().map(s -> s.id).toList());
    }

    /** {@code POST …/points/count} with a {@code shard_key}: the points of that key's shards only. */
    Replies.Reply countInKey(String collection, JsonNode key) {
        ShardLayout layout = layout(collection);
        Set<Integer> shards = new TreeSet<>(keyShards(layout, key));
        long count = layout.collection.entries().stream().filter(e -> shards.contains(layout.shardOf(e.key()))).count();
        return Replies.ok(Replies.JSON.createObjectNode().put("count", count));
    }

    private static List<Integer> keyShards(ShardLayout layout, JsonNode key) {
        if (key == null || key.isNull()) {
            throw QdrantError.wrongInput("Shard key not specified");
        }
        List<Integer> shards = new ArrayList<>();
        for (JsonNode one : key.isArray() ? key : Replies.JSON.createArrayNode().add(key)) {
            List<Integer> ofKey = layout.shardsOfKey(one);
            if (ofKey.isEmpty()) {
                throw QdrantError.wrongInput("Shard key " + one.asText() + " not found");
            }
            shards.addAll(ofKey);
        }
        return shards;
    }

    private static int positive(JsonNode body, String field, int fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.asInt() < 1) {
            throw QdrantError.validation(field + ": value " + value + " invalid, must be 1 or larger");
        }
        return value.asInt();
    }
}
