package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Where one collection's shards and their replicas live in a cluster of doubles, and which point
 * belongs to which shard. Replica states are worked out from timestamps when read, so nothing runs
 * in the background: a new replica is Initializing until its activation time, a replica a transfer
 * feeds is Dead, then Partial (with the transfer listed), then Active.
 */
final class ShardLayout {
    enum Method { AUTO, CUSTOM }

    /** One replica of a shard on one peer. */
    static final class Replica {
        final long peer;
        private String pending = "Initializing";
        private Instant deadUntil = Instant.MIN;
        private Instant activeAt;
        private Long transferFrom;
        private boolean dead;

        Replica(long peer, Instant activeAt) {
            this.peer = peer;
            this.activeAt = activeAt;
        }

        /** The state at {@code now}; a {@code stuck} replica is Partial whenever it is not Dead. */
        String state(Instant now, boolean stuck) {
            if (dead) {
                return "Dead";
            }
            if (now.isBefore(deadUntil)) {
                return "Dead";
            }
            if (stuck) {
                return "Partial";
            }
            return now.isBefore(activeAt) ? pending : "Active";
        }

        /** The peer feeding this replica at {@code now}, or null. */
        Long transferAt(Instant now, boolean stuck) {
            boolean running = !dead && !now.isBefore(deadUntil) && (stuck || now.isBefore(activeAt));
            return running ? transferFrom : null;
        }

        void activate() {
            dead = false;
            transferFrom = null;
            deadUntil = Instant.MIN;
            activeAt = Instant.MIN;
        }

        void markDead() {
            dead = true;
        }

        boolean isDead() {
            return dead;
        }

        /** Dead for half the delay, then Partial while {@code from} streams to it, then Active. */
        void recoverFrom(long from, Instant now, Duration delay) {
            dead = false;
            pending = "Partial";
            transferFrom = from;
            deadUntil = now.plus(delay.dividedBy(2));
            activeAt = deadUntil.plus(delay);
        }
    }

    /** A shard: its id, its custom shard key (null with auto sharding) and its replicas by peer. */
    static final class Shard {
        final int id;
        final JsonNode key;
        final Map<Long, Replica> replicas = new LinkedHashMap<>();

        Shard(int id, JsonNode key) {
            this.id = id;
            this.key = key;
        }
    }

    final Method method;
    final int replicationFactor;
    final StoredCollection collection;
    private final Map<Integer, Shard> shards = new TreeMap<>();
    private final Map<PointId, Integer> customShardOf = new HashMap<>();
    private final Map<Long, Integer> load = new HashMap<>();

    ShardLayout(StoredCollection collection, Method method, int replicationFactor) {
        this.collection = collection;
        this.method = method;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Adds {@code count} shards numbered from {@code firstId}, each on {@code replicas} peers chosen as
     * Qdrant's ShardDistributionProposal does (the peer with the fewest shards first; ties by peer
     * order here, where Qdrant breaks them at random), or on {@code placement} when given.
     */
    synchronized List<Integer> addShards(int firstId, int count, int replicas, List<Long> peers, List<Long> placement,
                                         JsonNode key, Instant activeAt) {
        List<Long> candidates = placement == null || placement.isEmpty() ? peers : placement;
        List<Integer> added = new ArrayList<>();
        for (int id = firstId; id < firstId + count; id++) {
            Shard shard = new Shard(id, key);
            for (int r = 0; r < Math.min(replicas, candidates.size()); r++) {
                long peer = candidates.stream().filter(p -> !shard.replicas.containsKey(p))
                        .min((a, b) -> Integer.compare(load.getOrDefault(a, 0), load.getOrDefault(b, 0))).orElseThrow();
                load.merge(peer, 1, Integer::sum);
                shard.replicas.put(peer, new Replica(peer, activeAt));
            }
            shards.put(id, shard);
            added.add(id);
        }
        return added;
    }

    synchronized List<Shard> shards() {
        return List.copyOf(shards.values());
    }

    synchronized Shard shard(int id) {
        return shards.get(id);
    }

    synchronized int nextShardId() {
        // Qdrant: max id in the shard key mapping + 1, so the first key's shards start at 1
        return shards.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    /** The shards of a custom shard key, in id order (empty when the key is unknown). */
    synchronized List<Integer> shardsOfKey(JsonNode key) {
        return shards.values().stream().filter(s -> key.equals(s.key)).map(s -> s.id).toList();
    }

    /** The shard a point belongs to: its recorded shard with custom sharding, else a stable hash of its id. */
    synchronized int shardOf(PointId id) {
        if (method == Method.CUSTOM) {
            return customShardOf.getOrDefault(id, -1);
        }
        return Math.floorMod(id.toString().hashCode() * 0x9E3779B1, Math.max(1, shards.size()));
    }

    /** Custom sharding: the points go to the key's shards, spread by a hash of their id. */
    synchronized void assign(List<PointId> ids, List<Integer> keyShards) {
        for (PointId id : ids) {
            customShardOf.put(id, keyShards.get(Math.floorMod(id.toString().hashCode(), keyShards.size())));
        }
    }

    synchronized void assign(PointId id, int shard) {
        if (method == Method.CUSTOM) {
            customShardOf.put(id, shard);
        }
    }

    /** Whether a point is in the shard. */
    Predicate<PointId> inShard(int shard) {
        return id -> shardOf(id) == shard;
    }

    /** Points per shard, counted now. */
    int pointsIn(int shard) {
        Predicate<PointId> in = inShard(shard);
        return (int) collection.entries().stream().filter(e -> in.test(e.key())).count();
    }
}
