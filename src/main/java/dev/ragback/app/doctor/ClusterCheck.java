package dev.ragback.app.doctor;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.vectors.ShardsOverview;

import java.util.List;

/** doctor's qdrant line on a cluster with qdrant.nodes: every peer with its id and state, and the collection's shard placement. */
final class ClusterCheck {
    private ClusterCheck() {
    }

    static CheckResult of(ShardsOverview shards, String collection, String detail) {
        ShardsOverview.View view;
        try {
            view = shards.shards(collection);
        } catch (RagbackException e) {
            return CheckResult.fail("qdrant", detail + "; " + e.getMessage(), e.hint() == null
                    ? "check qdrant.nodes (QDRANT_NODES): ragback qdrant shards" : e.hint());
        }
        String peers = "peers " + String.join(", ", view.peers().stream()
                .map(p -> p.id() + " at " + (p.restUrl() == null ? p.p2pUri() : p.restUrl()) + " " + p.state()).toList());
        ShardLayout layout = view.layout();
        long replicas = layout.shards().stream().mapToLong(s -> s.replicas().size()).sum();
        String placement = view.collection() + ": " + layout.shardCount() + " shards, " + replicas + " replicas on peers "
                + layout.shards().stream().flatMap(s -> s.replicas().stream()).map(ShardLayout.Replica::peer).distinct().sorted().toList();
        List<String> notActive = layout.notActive();
        boolean down = view.peers().stream().anyMatch(p -> p.restUrl() == null);
        String line = detail + "; " + peers + "; " + placement;
        if (!notActive.isEmpty() || down) {
            return CheckResult.warn("qdrant", line + (notActive.isEmpty() ? "" : "; not Active: " + String.join(", ", notActive)),
                    "a snapshot takes each shard from an Active replica: look at the peers (ragback qdrant shards)");
        }
        return CheckResult.ok("qdrant", line + ", every replica Active");
    }
}
