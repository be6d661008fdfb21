package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A {@code PUT /collections/{c}} body from a collection's reported {@code config}: what a new collection needs to match it. */
final class ShardedCollectionBody {
    private static final String[] PARAMS = {"vectors", "shard_number", "sharding_method", "replication_factor",
        "write_consistency_factor", "on_disk_payload", "sparse_vectors"};

    private ShardedCollectionBody() {
    }

    static ObjectNode of(JsonNode config) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        JsonNode params = config.path("params");
        for (String field : PARAMS) {
            copy(params, field, body, field);
        }
        copy(config, "hnsw_config", body, "hnsw_config");
        copy(config, "wal_config", body, "wal_config");
        // reported as optimizer_config, created as optimizers_config
        copy(config, "optimizer_config", body, "optimizers_config");
        copy(config, "quantization_config", body, "quantization_config");
        return body;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value.deepCopy());
        }
    }
}
