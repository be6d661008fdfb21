package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A collection's config as Qdrant 1.19 keeps it, from a create request or a snapshot's {@code config.json}. */
final class CollectionConfig {
    private static final Set<String> DISTANCES = Set.of("Cosine", "Euclid", "Dot", "Manhattan");
    private static final Set<String> VECTOR_KEYS = Set.of("size", "distance", "hnsw_config", "quantization_config",
            "on_disk", "memory", "datatype", "multivector_config");
    private static final Set<String> DATATYPES = Set.of("float32", "uint8", "float16", "turbo4");
    private static final Set<String> MEMORY = Set.of("cold", "cached", "pinned");

    /**
     * A parsed config.
     *
     * @param named   true when the vectors are a map of named vectors
     * @param vectors vector configs by name; the unnamed vector has the empty name
     * @param config  the whole config (params, hnsw_config, optimizer_config, wal_config, quantization_config)
     */
    record Parsed(boolean named, Map<String, StoredCollection.VectorConfig> vectors, ObjectNode config) {
    }

    private CollectionConfig() {
    }

    /**
     * A collection from a whole create request: {@code vectors} (whole VectorParams), {@code shard_number},
     * {@code replication_factor}, {@code write_consistency_factor}, {@code sharding_method},
     * and the collection-level {@code hnsw_config}, {@code optimizers_config}, {@code wal_config},
     * {@code quantization_config} and {@code on_disk_payload}, over Qdrant 1.19's defaults.
     */
    static Parsed parse(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw QdrantError.format("expected a JSON object");
        }
        JsonNode vectors = request.get("vectors");
        ObjectNode config = defaultConfig();
        ObjectNode params = (ObjectNode) config.get("params");
        boolean named;
        Map<String, StoredCollection.VectorConfig> dims;
        if (vectors == null || vectors.isNull() || vectors.isMissingNode()) {
            named = true;
            dims = Map.of();
            params.putObject("vectors");
        } else if (!vectors.isObject()) {
            throw QdrantError.format("vectors: expected a map");
        } else if (vectors.has("size") || vectors.has("distance")) {
            named = false;
            dims = Map.of("", vectorConfig("vectors", vectors));
            params.set("vectors", vectorParams("vectors", vectors));
        } else {
            named = true;
            Map<String, StoredCollection.VectorConfig> byName = new TreeMap<>(); // Qdrant keeps named vectors in a BTreeMap
            ObjectNode normal = Replies.JSON.createObjectNode();
            new TreeMap<>(fields(vectors)).forEach((vectorName, value) -> {
                byName.put(vectorName, vectorConfig("vectors." + vectorName, value));
                normal.set(vectorName, vectorParams("vectors." + vectorName, value));
            });
            dims = Collections.unmodifiableMap(byName);
            params.set("vectors", normal);
        }
        positive(params, request, "shard_number");
        positive(params, request, "replication_factor");
        positive(params, request, "write_consistency_factor");
        JsonNode sharding = request.path("sharding_method");
        if (sharding.isTextual()) {
            params.put("sharding_method", oneOf(sharding, Set.of("auto", "custom"), "sharding_method"));
        }
        if (request.path("on_disk_payload").isBoolean()) {
            params.put("on_disk_payload", request.get("on_disk_payload").asBoolean());
        }
        merge(config, "hnsw_config", request.get("hnsw_config"));
        merge(config, "optimizer_config", request.get("optimizers_config"));
        merge(config, "wal_config", request.get("wal_config"));
        JsonNode quantization = request.get("quantization_config");
        if (quantization != null && !quantization.isNull()) {
            config.set("quantization_config", quantization(quantization, "quantization_config"));
        }
        return new Parsed(named, dims, config);
    }

    /** The create request that makes a collection with the config a snapshot's {@code config.json} holds. */
    static JsonNode requestOf(JsonNode snapshotConfig) {
        JsonNode params = snapshotConfig.path("params");
        ObjectNode request = Replies.JSON.createObjectNode();
        request.set("vectors", params.get("vectors"));
        request.set("shard_number", params.get("shard_number"));
        request.set("on_disk_payload", params.get("on_disk_payload"));
        request.set("replication_factor", params.get("replication_factor"));
        request.set("write_consistency_factor", params.get("write_consistency_factor"));
        request.set("sharding_method", params.get("sharding_method"));
        request.set("hnsw_config", snapshotConfig.get("hnsw_config"));
        request.set("optimizers_config", snapshotConfig.get("optimizer_config"));
        request.set("wal_config", snapshotConfig.get("wal_config"));
        request.set("quantization_config", snapshotConfig.get("quantization_config"));
        return request;
    }

    private static ObjectNode defaultConfig() {
        ObjectNode config = Replies.JSON.createObjectNode();
        config.putObject("params").put("shard_number", 1).put("replication_factor", 1).put("write_consistency_factor", 1)
                .put("on_disk_payload", true);
        config.putObject("hnsw_config").put("m", 16).put("ef_construct", 100).put("full_scan_threshold", 10000)
                .put("max_indexing_threads", 0).put("on_disk", false);
        ObjectNode optimizer = config.putObject("optimizer_config");
        optimizer.put("deleted_threshold", 0.2).put("vacuum_min_vector_number", 1000).put("default_segment_number", 0);
        optimizer.putNull("max_segment_size");
        optimizer.putNull("memmap_threshold");
        optimizer.put("indexing_threshold", 10000).put("flush_interval_sec", 5);
        optimizer.putNull("max_optimization_threads");
        config.putObject("wal_config").put("wal_capacity_mb", 32).put("wal_segments_ahead", 0).put("wal_retain_closed", 1);
        config.putNull("quantization_config");
        config.putObject("strict_mode_config").put("enabled", false);
        return config;
    }

    private static void positive(ObjectNode params, JsonNode request, String field) {
        JsonNode value = request.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || value.asLong() < 1) {
            throw QdrantError.validation(field + ": value " + value + " invalid, must be 1 or larger");
        }
        params.put(field, value.asLong());
    }

    /** A diff object's non-null members written over the section's defaults. */
    private static void merge(ObjectNode config, String section, JsonNode diff) {
        if (diff == null || diff.isNull()) {
            return;
        }
        if (!diff.isObject()) {
            throw QdrantError.format(section + ": expected a map");
        }
        ObjectNode target = (ObjectNode) config.get(section);
        fields(diff).forEach((key, value) -> {
            if (!value.isNull()) {
                if (!target.has(key)) {
                    throw QdrantError.format(section + ": unknown field `" + key + "`");
                }
                target.set(key, value);
            }
        });
    }

    private static StoredCollection.VectorConfig vectorConfig(String where, JsonNode node) {
        if (!node.isObject() || !node.path("size").isIntegralNumber() || !node.path("distance").isTextual()) {
            throw QdrantError.format(where + ": expected {\"size\": <int>, \"distance\": <Cosine|Euclid|Dot|Manhattan>}");
        }
        String distance = node.get("distance").asText();
        if (!DISTANCES.contains(distance)) {
            throw QdrantError.format(where + ".distance: unknown variant `" + distance
                    + "`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`");
        }
        long size = node.get("size").asLong();
        if (size < 1) {
            throw QdrantError.validation(where + ".size: value " + size + " invalid, must be 1 or larger");
        }
        return new StoredCollection.VectorConfig((int) size, distance);
    }

    /** The whole VectorParams as Qdrant serialises them: unset members left out, {@code quantization} read as its alias. */
    private static ObjectNode vectorParams(String where, JsonNode node) {
        ObjectNode params = Replies.JSON.createObjectNode();
        fields(node).forEach((key, value) -> {
            String field = key.equals("quantization") ? "quantization_config" : key;
            if (!VECTOR_KEYS.contains(field)) {
                throw QdrantError.format(where + ": unknown field `" + key + "`");
            }
            if (value.isNull()) {
                return;
            }
            switch (field) {
                case "hnsw_config" -> {
                    if (!value.isObject()) {
                        throw QdrantError.format(where + ".hnsw_config: expected a map");
                    }
                    ObjectNode hnsw = Replies.JSON.createObjectNode();
                    fields(value).forEach((k, v) -> {
                        if (!v.isNull()) {
                            hnsw.set(k, v);
                        }
                    });
                    if (!hnsw.isEmpty()) {
                        params.set(field, hnsw);
                    }
                }
                case "quantization_config" -> params.set(field, quantization(value, where + "." + field));
                case "on_disk" -> params.put(field, bool(value, where + ".on_disk"));
                case "memory" -> params.put(field, oneOf(value, MEMORY, where + ".memory"));
                case "datatype" -> params.put(field, oneOf(value, DATATYPES, where + ".datatype"));
                case "multivector_config" -> {
                    if (!"max_sim".equals(value.path("comparator").asText(null))) {
                        throw QdrantError.format(where + ".multivector_config: expected {\"comparator\": \"max_sim\"}");
                    }
                    params.set(field, value);
                }
                default -> params.set(field, value);
            }
        });
        return params;
    }

    private static JsonNode quantization(JsonNode value, String where) {
        if (!value.isObject() || !(value.has("scalar") || value.has("product") || value.has("binary"))) {
            throw QdrantError.format(where + ": expected one of `scalar`, `product`, `binary`");
        }
        return value;
    }

    private static boolean bool(JsonNode value, String where) {
        if (!value.isBoolean()) {
            throw QdrantError.format(where + ": expected a boolean");
        }
        return value.asBoolean();
    }

    private static String oneOf(JsonNode value, Set<String> allowed, String where) {
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            throw QdrantError.format(where + ": unknown variant " + value + ", expected one of " + new TreeSet<>(allowed));
        }
        return value.asText();
    }

    private static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        return fields;
    }
}
