package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.VectorStore;

/**
 * What must hold on the Qdrant side before a command changes anything: a single node (cluster
 * support is not built: a collection snapshot holds one node's shards only, SPEC section 13), and
 * a version with {@code /points/query} for the probes.
 */
public final class QdrantGuard {
    /** The oldest Qdrant with {@code POST /collections/{c}/points/query}, which probes and verify use. */
    public static final QdrantVersion MINIMUM = QdrantVersion.parse("1.10.0");
    private static final String WHY_NOT_A_CLUSTER = "on a cluster a collection snapshot holds only the shards of the node"
            + " that takes it, and recovering one in place rolls back only that node's shards and marks their other"
            + " replicas dead";

    private final VectorStore store;
    private final boolean nodesConfigured;

    public QdrantGuard(VectorStore store) {
        this(store, false);
    }

    /** @param nodesConfigured true when {@code qdrant.nodes} names every peer, which makes a cluster workable */
    public QdrantGuard(VectorStore store, boolean nodesConfigured) {
        this.store = store;
        this.nodesConfigured = nodesConfigured;
    }

    /**
     * Exit 2 unless ragback can take or restore shard-complete sets here: a single node, or a cluster with
     * {@code qdrant.nodes}. Returns the status, which says which path to take.
     */
    public ClusterStatus requireWorkable(String command) {
        ClusterStatus cluster = store.clusterStatus();
        if (cluster.mode() == ClusterStatus.Mode.CLUSTER && nodesConfigured) {
            return cluster;
        }
        if (cluster.mode() == ClusterStatus.Mode.CLUSTER) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "Qdrant runs in cluster mode (" + cluster.describe()
                    + ") and qdrant.nodes is not set: ragback refuses " + command + ", because " + WHY_NOT_A_CLUSTER,
                    "nothing was changed; set qdrant.nodes (QDRANT_NODES=http://node-0:6333,http://node-1:6333,...) to the REST"
                            + " URL of every peer (docs/qdrant.md, cluster mode)");
        }
        return requireSingleNode(command);
    }

    /** Exit 2 unless Qdrant runs as a single node; {@code command} names what is refused, e.g. "snapshot restore". */
    public ClusterStatus requireSingleNode(String command) {
        ClusterStatus cluster = store.clusterStatus();
        return switch (cluster.mode()) {
            case SINGLE_NODE -> cluster;
            case CLUSTER -> throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "Qdrant runs in cluster mode ("
                    + cluster.describe() + "): ragback refuses " + command + " on a cluster, because " + WHY_NOT_A_CLUSTER,
                    "nothing was changed; " + command + " works on a single node only (docs/qdrant.md, cluster mode)");
            case UNKNOWN -> throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "cannot tell whether Qdrant runs in "
                    + "cluster mode (" + cluster.detail() + "): ragback refuses " + command + " without knowing, because "
                    + WHY_NOT_A_CLUSTER, "nothing was changed; set QDRANT_API_KEY to the global api key (docs/qdrant.md, keys)");
        };
    }

    /** Exit 2 below {@link #MINIMUM}; returns the live version. */
    public QdrantVersion requireQueryApi(String command) {
        String reported = store.serverVersion();
        QdrantVersion version = QdrantVersion.parse(reported);
        if (version.compareTo(MINIMUM) < 0) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "Qdrant " + reported + " is older than " + MINIMUM
                    + ", the oldest ragback supports for " + command + " (its probes need POST /collections/{c}/points/query,"
                    + " new in 1.10)", "upgrade Qdrant to " + MINIMUM + " or newer (docs/qdrant.md, versions)");
        }
        return version;
    }

    /** The set's cluster record: a set made on a cluster is refused like a cluster. */
    public static void requireSingleNodeSet(String setId, Boolean madeOnCluster, String command) {
        if (Boolean.TRUE.equals(madeOnCluster)) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "snapshot set " + setId + " was made on a Qdrant cluster"
                    + " (manifest qdrant.cluster: true): ragback refuses " + command + " from it, because " + WHY_NOT_A_CLUSTER,
                    "nothing was changed; pick a set made on a single node: ragback snapshot list");
        }
    }
}
