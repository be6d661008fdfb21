package dev.ragback.app.vectors;

import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.ShardLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Exact per-shard counts. {@code GET /collections/{c}/cluster} reports a local shard's points with a filterless
 * {@code exact: false} count, the sum of its segments' available points: exact while no optimization, transfer or
 * write runs, not otherwise. Counting each replica on its own node with {@code exact: true} is exact always.
 */
public final class ShardCounts {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCounts.class);

    private ShardCounts() {
    }

    /**
     * {@code layout} with each Active replica's points counted exactly on the node that holds it. Where the server has
     * no per-shard count (Qdrant before 1.11.1) the holding node's own report is kept, as the log says.
     */
    public static ShardLayout exact(ClusterNodes nodes, String collection, ShardLayout layout) {
        List<ShardLayout.Shard> shards = new ArrayList<>();
        boolean estimated = false;
        boolean noSuchCall = false;
        for (ShardLayout.Shard shard : layout.shards()) {
            List<ShardLayout.Replica> replicas = new ArrayList<>();
            for (ShardLayout.Replica replica : shard.replicas()) {
                boolean countable = replica.active() && !layout.unreachable().contains(replica.peer()) && !noSuchCall;
                OptionalLong count = countable ? nodes.countShard(replica.peer(), collection, shard.id()) : OptionalLong.empty();
                noSuchCall |= countable && count.isEmpty(); // one 404 answers for the server: no call per replica after it
                estimated |= replica.active() && count.isEmpty() && replica.pointsCount() != null;
                replicas.add(count.isPresent() ? new ShardLayout.Replica(replica.peer(), replica.state(), count.getAsLong())
                        : replica);
            }
            shards.add(new ShardLayout.Shard(shard.id(), shard.key(), List.copyOf(replicas)));
        }
        if (estimated) {
            LOG.warn("this Qdrant has no per-shard count (POST /collections/{c}/shards/{id}/points/count, 1.11.1+): the"
                    + " points per shard of {} are what GET /collections/{c}/cluster reports, exact only while no"
                    + " optimization or write runs", collection);
        }
        return new ShardLayout(layout.shardCount(), List.copyOf(shards), layout.transfers(), layout.unreachable());
    }

    /** The Active replicas whose points differ from the first one's, one phrase, or empty when they agree. */
    public static String disagreement(ShardLayout.Shard shard) {
        List<ShardLayout.Replica> counted = shard.replicas().stream().filter(r -> r.active() && r.pointsCount() != null).toList();
        if (counted.stream().map(ShardLayout.Replica::pointsCount).distinct().count() < 2) {
            return "";
        }
        return String.join(", ", counted.stream().map(r -> "peer " + r.peer() + ": " + r.pointsCount()).toList());
    }
}
