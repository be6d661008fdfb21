package dev.ragback.cli;

import dev.ragback.adapters.qdrant.QdrantClusterNodes;
import dev.ragback.adapters.qdrant.QdrantRestVectorStore;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.VectorStore;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.net.URI;
import java.util.List;

/**
 * The composition root's Qdrant part, built for {@link Services}: the REST vector store and, on a cluster,
 * every peer's REST URL from {@code qdrant.nodes}. One of each per invocation, so every call shares its connections.
 */
final class QdrantServices {
    private final Config config;
    private VectorStore vectorStore;
    private ClusterNodes clusterNodes;

    QdrantServices(Config config) {
        this.config = config;
    }

    /** Collection-level calls go to qdrant.url, or on a cluster to the first node that answers (any peer routes them). */
    synchronized VectorStore vectorStore() {
        if (vectorStore == null) {
            vectorStore = new QdrantRestVectorStore(clusterNodes() == null ? config.get(ConfigKeys.QDRANT_URL) : clusterNodes().entryPoint(),
                    config.get(ConfigKeys.QDRANT_API_KEY), config.get(ConfigKeys.QDRANT_TIMEOUT),
                    config.get(ConfigKeys.QDRANT_TRANSFER_IDLE_TIMEOUT));
        }
        return vectorStore;
    }

    /** The cluster's peers, or {@code null} when {@code qdrant.nodes} is not set (a single node at qdrant.url). */
    synchronized ClusterNodes clusterNodes() {
        List<URI> urls = config.get(ConfigKeys.QDRANT_NODES);
        if (clusterNodes == null && urls != null) {
            clusterNodes = new QdrantClusterNodes(urls, config.get(ConfigKeys.QDRANT_API_KEY), config.get(ConfigKeys.QDRANT_TIMEOUT),
                    config.get(ConfigKeys.QDRANT_TRANSFER_IDLE_TIMEOUT));
        }
        return clusterNodes;
    }
}
