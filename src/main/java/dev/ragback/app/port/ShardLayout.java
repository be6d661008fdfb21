package dev.ragback.app.port;

import java.util.List;
import java.util.Optional;

/**
 * A collection's shards on a cluster ({@code GET /collections/{c}/cluster} from every node).
 *
 * @param shardCount     shards the collection has
 * @param shards         every shard seen, by id
 * @param transfers      shard transfers running now
 * @param unreachable    peers whose node did not answer (their replicas are missing from {@code shards})
 */
public record ShardLayout(int shardCount, List<Shard> shards, int transfers, List<Long> unreachable) {

    /** Active: the replica serves reads and writes; every other state is a replica not ready. */
    public static final String ACTIVE = "Active";

    /**
     * A peer of the cluster.
     *
     * @param id      peer id
     * @param p2pUri  the peer-to-peer URI the cluster reports
     * @param restUrl the configured REST URL that answers for it
     * @param state   {@code up} or why it is not
     */
    public record Peer(long id, String p2pUri, String restUrl, String state) {
    }

    /**
     * One replica of a shard.
     *
     * @param peer        peer holding it
     * @param state       Qdrant's ReplicaState, e.g. Active, Partial, Dead
     * @param pointsCount points the holding node reports for it; {@code null} when reported by another node
     */
    public record Replica(long peer, String state, Long pointsCount) {
        public boolean active() {
            return ACTIVE.equals(state);
        }
    }

    /**
     * One shard.
     *
     * @param id       shard id
     * @param key      its custom shard key (String or Long), or {@code null} with automatic sharding
     * @param replicas every replica seen
     */
    public record Shard(int id, Object key, List<Replica> replicas) {
        /** A peer holding an Active replica, preferring one that reported its own points. */
        public Optional<Replica> activeReplica() {
            return replicas.stream().filter(Replica::active)
                    .sorted((a, b) -> Boolean.compare(b.pointsCount() != null, a.pointsCount() != null)).findFirst();
        }

        public boolean allActive() {
            return !replicas.isEmpty() && replicas.stream().allMatch(Replica::active);
        }

        /** The points the holding node of an Active replica reports, or {@code null}. */
        public Long points() {
            return replicas.stream().filter(r -> r.active() && r.pointsCount() != null).map(Replica::pointsCount)
                    .findFirst().orElse(null);
        }
    }

    public Optional<Shard> shard(int id) {
        return shards.stream().filter(s -> s.id() == id).findFirst();
    }

    /** Every replica Active, no transfer running, and every peer answering (a silent peer's replicas cannot be trusted). */
    public boolean settled() {
        return transfers == 0 && unreachable.isEmpty() && shards.size() == shardCount && shards.stream().allMatch(Shard::allActive);
    }

    /** Shards with a replica that is not Active, one phrase each, e.g. {@code shard 3 (peer 7: Partial)}. */
    public List<String> notActive() {
        return shards.stream().filter(s -> !s.allActive()).map(s -> "shard " + s.id() + " (" + (s.replicas().isEmpty()
                ? "no replica seen" : String.join(", ", s.replicas().stream().filter(r -> !r.active())
                .map(r -> "peer " + r.peer() + ": " + r.state()).toList())) + ")").toList();
    }
}
