package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ShardLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

/** A call on one of a shard's replicas, tried on each in turn: the first that works wins. */
public final class ReplicaFailover {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFailover.class);

    private ReplicaFailover() {
    }

    /**
     * The first replica's answer that does not fail from outside (a peer down, an error answer); any other failure ends
     * it at once. When every replica fails, {@code allFailed} turns the last failure into the one to throw.
     */
    public static <T> T first(List<ShardLayout.Replica> replicas, String what, Function<ShardLayout.Replica, T> call,
                              Function<RagbackException, RagbackException> allFailed) {
        if (replicas.isEmpty()) {
            throw RagbackException.external(what + ": the shard has no replica to try", "look at the peers: ragback qdrant shards", null);
        }
        RagbackException last = null;
        for (ShardLayout.Replica replica : replicas) {
            try {
                return call.apply(replica);
            } catch (RagbackException e) {
                if (e.kind() != RagbackException.Kind.EXTERNAL) {
                    throw e;
                }
                last = e;
                LOG.warn("{} on peer {} failed: {}", what, replica.peer(), e.getMessage());
            }
        }
        throw allFailed.apply(last);
    }
}
