package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.port.VectorStore;

import java.util.List;

/** {@code qdrant shards} and doctor: a cluster's peers and where a collection's shards and replicas are. */
public final class ShardsOverview {
    private final VectorStore store;
    private final ClusterNodes nodes;

    /** @param nodesOrNull the cluster's peers from qdrant.nodes, or {@code null} when it is not set */
    public ShardsOverview(VectorStore store, ClusterNodes nodesOrNull) {
        this.store = store;
        this.nodes = nodesOrNull;
    }

    /**
     * The peers, and the placement of the collection an alias or name resolves to.
     *
     * @param collection the real collection behind the name asked for
     */
    public record View(List<ShardLayout.Peer> peers, String asked, String collection, ShardLayout layout) {
    }

    public View shards(String name) {
        return shards(name, false);
    }

    /** @param exactCounts count each Active replica's points exactly on its node ({@code qdrant shards}; doctor skips it) */
    public View shards(String name, boolean exactCounts) {
        if (nodes == null) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "qdrant.nodes is not set: ragback knows no cluster peers"
                    + " to ask for shard placement (Qdrant: " + store.clusterStatus().describe() + ")",
                    "on a cluster, set qdrant.nodes (QDRANT_NODES) to the REST URL of every peer (docs/qdrant.md, cluster mode)");
        }
        List<ShardLayout.Peer> peers = nodes.peers();
        String collection = store.resolve(name).orElseThrow(() -> RagbackException.external("Qdrant has no collection or alias '"
                + name + "'", "list them: ragback qdrant collections", null));
        ShardLayout layout = nodes.layout(collection);
        return new View(peers, name, collection, exactCounts ? ShardCounts.exact(nodes, collection, layout) : layout);
    }
}
