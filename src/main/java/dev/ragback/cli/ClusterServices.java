package dev.ragback.cli;

import dev.ragback.adapters.qdrant.QdrantClusterNodes;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.net.URI;
import java.util.List;

/** The composition root's Qdrant cluster part: every peer's REST URL from {@code qdrant.nodes}, built for {@link Services}. */
final class ClusterServices {
    private ClusterServices() {
    }

    /** The cluster's nodes, or {@code null} when {@code qdrant.nodes} is not set (a single node at qdrant.url). */
    static ClusterNodes nodes(Config config) {
        List<URI> urls = config.get(ConfigKeys.QDRANT_NODES);
        return urls == null ? null : new QdrantClusterNodes(urls, config.get(ConfigKeys.QDRANT_API_KEY),
                config.get(ConfigKeys.QDRANT_TIMEOUT), config.get(ConfigKeys.QDRANT_TRANSFER_IDLE_TIMEOUT));
    }

    /** Where collection-level calls go: qdrant.url, or the first of qdrant.nodes when they are set (any peer routes them). */
    static URI entryPoint(Config config) {
        List<URI> urls = config.get(ConfigKeys.QDRANT_NODES);
        return urls == null ? config.get(ConfigKeys.QDRANT_URL) : urls.get(0);
    }
}
