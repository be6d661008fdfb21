package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the nodes of a {@link QdrantDoubleCluster} share, as Qdrant's consensus shares it: the peers,
 * each collection's {@link ShardLayout}, and the cluster's fault switches. The collections and
 * aliases themselves live in one {@link CollectionStore} all nodes use.
 */
final class ClusterState {
    static final String ANY_COLLECTION = "*";

    /** A peer: its index in the cluster, its id, and its peer-to-peer URI (what {@code /cluster} reports). */
    record Peer(int index, long id, String uri) {
    }

    private final List<Peer> peers = new ArrayList<>();
    private final boolean[] down;
    private final Map<String, ShardLayout> layouts = new HashMap<>();
    private final Set<String> stuck = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failedUploads = new ConcurrentHashMap<>();
    private volatile Duration activationDelay = Duration.ofMillis(200);

    ClusterState(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + nodes);
        }
        for (int i = 0; i < nodes; i++) {
            // Qdrant's peer ids are random u64s; fixed ones here, so tests and the drill read the same
            peers.add(new Peer(i, 4_470_000_000_000_001L + 1_000_003L * i, "http://qdrant-node-" + (i + 1) + ":6335/"));
        }
        down = new boolean[nodes];
    }

    List<Peer> peers() {
        return List.copyOf(peers);
    }

    Peer peer(int index) {
        return peers.get(index);
    }

    List<Long> peerIds() {
        return peers.stream().map(Peer::id).toList();
    }

    synchronized boolean isDown(int index) {
        return down[index];
    }

    synchronized boolean isDownPeer(long peerId) {
        return peers.stream().anyMatch(p -> p.id() == peerId && down[p.index()]);
    }

    /** The lowest-numbered peer that is up leads. */
    synchronized long leader() {
        return peers.stream().filter(p -> !down[p.index()]).findFirst().orElse(peers.get(0)).id();
    }

    synchronized void down(int index) {
        down[index] = true;
    }

    /** The node answers again; its Dead replicas are fed by a transfer from an Active replica, as Qdrant recovers them. */
    synchronized void up(int index) {
        down[index] = false;
        long peer = peers.get(index).id();
        Instant now = Instant.now();
        for (ShardLayout layout : layouts.values()) {
            for (ShardLayout.Shard shard : layout.shards()) {
                ShardLayout.Replica replica = shard.replicas.get(peer);
                if (replica != null && replica.isDead()) {
                    activeSource(layout, shard, peer, now).ifPresent(from -> replica.recoverFrom(from, now, activationDelay));
                }
            }
        }
    }

    Duration activationDelay() {
        return activationDelay;
    }

    void activationDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("activation delay must not be negative: " + delay);
        }
        activationDelay = delay;
    }

    void stuckPartial(String collection, int shard, long peer) {
        stuck.add(collection + "\n" + shard + "\n" + peer);
    }

    boolean stuck(String collection, int shard, long peer) {
        return stuck.contains(collection + "\n" + shard + "\n" + peer)
                || stuck.contains(ANY_COLLECTION + "\n" + shard + "\n" + peer);
    }

    void failShardUpload(String collection, int shard) {
        failedUploads.merge(collection + "\n" + shard, 1, Integer::sum);
    }

    /** True once per {@link #failShardUpload} of this shard (or of that shard id in {@value #ANY_COLLECTION}). */
    boolean takeFailedUpload(String collection, int shard) {
        for (String key : List.of(collection + "\n" + shard, ANY_COLLECTION + "\n" + shard)) {
            boolean[] taken = new boolean[1];
            failedUploads.computeIfPresent(key, (k, n) -> {
                taken[0] = true;
                return n > 1 ? n - 1 : null;
            });
            if (taken[0]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Places a new collection's shards from its create request: {@code shard_number} shards of
     * {@code replication_factor} replicas, none with {@code sharding_method: custom} until a shard key
     * is created.
     */
    synchronized ShardLayout place(StoredCollection collection) {
        JsonNode params = collection.configJson().path("params");
        boolean custom = "custom".equals(params.path("sharding_method").asText("auto"));
        int replicas = Math.max(1, params.path("replication_factor").asInt(1));
        ShardLayout layout = new ShardLayout(collection, custom ? ShardLayout.Method.CUSTOM : ShardLayout.Method.AUTO,
                replicas);
        if (!custom) {
            int shards = Math.max(1, params.path("shard_number").asInt(1));
            layout.addShards(0, shards, replicas, peerIds(), null, null, Instant.now().plus(activationDelay));
        }
        layouts.put(collection.name(), layout);
        return layout;
    }

    /** The layout of a collection, placed now if it has none yet (one recovered from a snapshot, say). */
    synchronized ShardLayout layout(StoredCollection collection) {
        ShardLayout layout = layouts.get(collection.name());
        if (layout == null || layout.collection != collection) {
            layout = place(collection);
        }
        return layout;
    }

    synchronized void forget(String collection) {
        layouts.remove(collection);
    }

    synchronized Collection<ShardLayout> layouts() {
        return List.copyOf(layouts.values());
    }

    /** The state of a replica now, fault switches applied. */
    String state(ShardLayout layout, ShardLayout.Shard shard, ShardLayout.Replica replica) {
        return replica.state(Instant.now(), stuck(layout.collection.name(), shard.id, replica.peer));
    }

    /**
     * A write touched these shards: replicas on nodes that are down cannot take it and are marked
     * Dead, as Qdrant's write path reports them to consensus.
     */
    synchronized void written(ShardLayout layout, Collection<Integer> shardIds) {
        for (int id : shardIds) {
            ShardLayout.Shard shard = layout.shard(id);
            if (shard != null) {
                shard.replicas.values().stream().filter(r -> isDownPeer(r.peer)).forEach(ShardLayout.Replica::markDead);
            }
        }
    }

    /**
     * A shard's data was replaced on {@code peer} (a shard snapshot upload, or an in-place collection
     * recovery): as Qdrant's {@code recover_shard_snapshot_impl}, the peer's replica is activated (and
     * joins the shard if it held none); with other Active replicas, priority {@code snapshot} marks them
     * Dead and they are fed again from this peer, {@code replica} marks this one Dead and feeds it from
     * another, {@code no_sync} leaves them.
     */
    synchronized void recovered(ShardLayout layout, int shardId, long peer, String priority) {
        ShardLayout.Shard shard = layout.shard(shardId);
        Instant now = Instant.now();
        ShardLayout.Replica own = shard.replicas.computeIfAbsent(peer, p -> new ShardLayout.Replica(p, Instant.MIN));
        List<ShardLayout.Replica> others = shard.replicas.values().stream()
                .filter(r -> r.peer != peer && "Active".equals(state(layout, shard, r))).toList();
        String chosen = priority == null ? "snapshot" : priority;
        if (others.isEmpty() || chosen.equals("no_sync")) {
            own.activate();
        } else if (chosen.equals("snapshot")) {
            own.activate();
            others.forEach(r -> r.recoverFrom(peer, now, activationDelay));
        } else {
            own.recoverFrom(others.get(0).peer, now, activationDelay);
        }
    }

    private java.util.Optional<Long> activeSource(ShardLayout layout, ShardLayout.Shard shard, long except, Instant now) {
        return shard.replicas.values().stream()
                .filter(r -> r.peer != except && !isDownPeer(r.peer) && "Active".equals(state(layout, shard, r)))
                .map(r -> r.peer).findFirst();
    }
}
