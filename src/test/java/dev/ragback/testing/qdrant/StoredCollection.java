package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** One collection held by the double: its vector config, status and points (in Qdrant's id order). */
public final class StoredCollection {
    private static final Set<String> DISTANCES = Set.of("Cosine", "Euclid", "Dot", "Manhattan");

    /**
     * One vector's parameters.
     *
     * @param size     dimensions
     * @param distance Cosine, Euclid, Dot or Manhattan
     */
    public record VectorConfig(int size, String distance) {
    }

    /**
     * A stored point.
     *
     * @param id      integer id, or UUID id in its canonical form
     * @param vector  the vector as sent: an array, or an object of named arrays
     * @param payload the payload object, or {@code null}
     */
    public record Point(JsonNode id, JsonNode vector, JsonNode payload) {
    }

    /** A stored point with its version and its vectors as Qdrant scores them, by vector name. */
    record Entry(PointId key, Point point, long version, Map<String, float[]> scored) {
    }

    private static final Set<String> VECTOR_KEYS = Set.of("size", "distance", "hnsw_config", "quantization_config",
            "on_disk", "memory", "datatype", "multivector_config");
    private static final Set<String> DATATYPES = Set.of("float32", "uint8", "float16", "turbo4");
    private static final Set<String> MEMORY = Set.of("cold", "cached", "pinned");

    private final String name;
    private final boolean named;
    private final Map<String, VectorConfig> vectors;
    // the whole config as Qdrant keeps it (config.json): params, hnsw_config, optimizer_config, wal_config, quantization_config
    private final ObjectNode config;
    private final NavigableMap<PointId, Entry> points = new TreeMap<>();
    private final Map<String, JsonNode> payloadSchema = new TreeMap<>();
    private long operations;
    private String status = "green";
    private int yellowReads;

    private StoredCollection(String name, boolean named, Map<String, VectorConfig> vectors, ObjectNode config) {
        this.name = name;
        this.named = named;
        this.vectors = vectors;
        this.config = config;
    }

    /** A collection from a create request's {@code vectors} member alone (missing means no dense vectors). */
    static StoredCollection fromRequest(String name, JsonNode vectors) {
        ObjectNode request = Replies.JSON.createObjectNode();
        if (vectors != null && !vectors.isMissingNode()) {
            request.set("vectors", vectors);
        }
        return fromCreateRequest(name, request);
    }

    /**
     * A collection from a whole create request: {@code vectors} (whole VectorParams), {@code shard_number},
     * and the collection-level {@code hnsw_config}, {@code optimizers_config}, {@code wal_config},
     * {@code quantization_config} and {@code on_disk_payload}, over Qdrant 1.19's defaults.
     */
    static StoredCollection fromCreateRequest(String name, JsonNode request) {
        if (request == null || !request.isObject()) {
            throw QdrantError.format("expected a JSON object");
        }
        JsonNode vectors = request.get("vectors");
        ObjectNode config = defaultConfig();
        ObjectNode params = (ObjectNode) config.get("params");
        boolean named;
        Map<String, VectorConfig> dims;
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
            Map<String, VectorConfig> byName = new TreeMap<>(); // Qdrant keeps named vectors in a BTreeMap
            ObjectNode normal = Replies.JSON.createObjectNode();
            new TreeMap<>(fields(vectors)).forEach((vectorName, value) -> {
                byName.put(vectorName, vectorConfig("vectors." + vectorName, value));
                normal.set(vectorName, vectorParams("vectors." + vectorName, value));
            });
            dims = Collections.unmodifiableMap(byName);
            params.set("vectors", normal);
        }
        JsonNode shards = request.path("shard_number");
        if (!shards.isMissingNode() && !shards.isNull()) {
            if (!shards.isIntegralNumber() || shards.asLong() < 1) {
                throw QdrantError.validation("shard_number: value " + shards + " invalid, must be 1 or larger");
            }
            params.put("shard_number", shards.asLong());
        }
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
        return new StoredCollection(name, named, dims, config);
    }

    /** A collection with the config a snapshot's {@code config.json} holds. */
    static StoredCollection fromConfig(String name, JsonNode snapshotConfig) {
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
        return fromCreateRequest(name, request);
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

    private static VectorConfig vectorConfig(String where, JsonNode node) {
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
        return new VectorConfig((int) size, distance);
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

    public String name() {
        return name;
    }

    /** True when the collection was created with a map of named vectors. */
    public boolean named() {
        return named;
    }

    /** Vector configs by name; the unnamed vector has the empty name. */
    public Map<String, VectorConfig> vectors() {
        return vectors;
    }

    /** {@code params.vectors}: the whole VectorParams, one or a map of them. */
    JsonNode vectorsJson() {
        return config.path("params").get("vectors").deepCopy();
    }

    /** The whole config as {@code GET /collections/{c}} reports it under {@code config}. */
    ObjectNode configJson() {
        return config.deepCopy();
    }

    long shardNumber() {
        return config.path("params").path("shard_number").asLong();
    }

    /** The status as reported now, without counting as a status read. */
    public synchronized String status() {
        return yellowReads > 0 ? "yellow" : status;
    }

    /** The status one {@code GET /collections/{c}} reports: counts down a pending yellow spell. */
    synchronized String readStatus() {
        if (yellowReads > 0) {
            yellowReads--;
            return "yellow";
        }
        return status;
    }

    synchronized void status(String status) {
        if (!Set.of("green", "yellow", "grey", "red").contains(status)) {
            throw new IllegalArgumentException("Qdrant has no collection status " + status);
        }
        this.status = status;
        yellowReads = 0;
    }

    /** Reports yellow for the next {@code reads} status reads, then the status it had. */
    synchronized void yellowFor(int reads) {
        yellowReads = Math.max(0, reads);
    }

    /** The points in id order. */
    public synchronized List<Point> points() {
        List<Point> list = new ArrayList<>(points.size());
        points.values().forEach(e -> list.add(e.point()));
        return list;
    }

    public synchronized int pointsCount() {
        return points.size();
    }

    synchronized List<Entry> entries() {
        return List.copyOf(points.values());
    }

    synchronized Entry entry(PointId id) {
        return points.get(id);
    }

    /** Up to {@code count} points from {@code offset} on (inclusive; {@code null} for the first). */
    synchronized List<Entry> page(PointId offset, int count) {
        Map<PointId, Entry> tail = offset == null ? points : points.tailMap(offset, true);
        List<Entry> page = new ArrayList<>(Math.min(count, tail.size()));
        for (Entry entry : tail.values()) {
            if (page.size() == count) {
                break;
            }
            page.add(entry);
        }
        return page;
    }

    /** Checks every point first, so a bad point stores none of the batch; returns the operation id. */
    synchronized long upsert(JsonNode pointList) {
        if (!pointList.isArray()) {
            throw QdrantError.format("missing field `points`");
        }
        long operation = operations;
        List<Entry> batch = new ArrayList<>();
        for (JsonNode point : pointList) {
            batch.add(checkedPoint(point, operation));
        }
        batch.forEach(e -> points.put(e.key(), e));
        operations++;
        return operation;
    }

    /** Deletes the points with these ids (missing ones are no error); returns the operation id. */
    synchronized long delete(List<PointId> ids) {
        ids.forEach(points::remove);
        return operations++;
    }

    /** Stores one point read back from a snapshot, with the version it had. */
    synchronized void restore(JsonNode point, long version) {
        Entry entry = checkedPoint(point, version);
        points.put(entry.key(), entry);
        operations = Math.max(operations, version + 1);
    }

    /** Takes over the points of {@code recovered} (same vector config), dropping its own. */
    synchronized void replacePoints(StoredCollection recovered) {
        synchronized (recovered) {
            points.clear();
            points.putAll(recovered.points);
            operations = Math.max(operations, recovered.operations);
        }
    }

    /** Drops the points {@code drop} selects and takes those of {@code recovered} that {@code take} selects (one shard's replacement). */
    synchronized void replacePoints(java.util.function.Predicate<PointId> drop, StoredCollection recovered,
                                    java.util.function.Predicate<PointId> take) {
        synchronized (recovered) {
            points.keySet().removeIf(drop);
            recovered.points.forEach((id, entry) -> {
                if (take.test(id)) {
                    points.put(id, entry);
                }
            });
            operations = Math.max(operations, recovered.operations);
        }
    }

    /** {@code payload_schema}: field name to {@code {data_type, params?}}, as {@code PUT …/index} made them. */
    synchronized Map<String, JsonNode> payloadSchema() {
        return new TreeMap<>(payloadSchema);
    }

    synchronized void index(String field, JsonNode schema) {
        payloadSchema.put(field, schema);
    }

    /** Gives each point another point's vector (a fixed shuffle): green, the same count, the wrong answers. */
    synchronized void scrambleVectors() {
        List<Entry> entries = new ArrayList<>(points.values());
        List<Entry> donors = new ArrayList<>(entries);
        Collections.shuffle(donors, new java.util.Random(19));
        for (int i = 0; i < entries.size(); i++) {
            Entry own = entries.get(i);
            Entry donor = donors.get(i);
            Point moved = new Point(own.point().id(), donor.point().vector(), own.point().payload());
            points.put(own.key(), new Entry(own.key(), moved, own.version(), donor.scored()));
        }
    }

    private Entry checkedPoint(JsonNode point, long version) {
        PointId id = PointId.of(point.get("id"), "points");
        JsonNode vector = point.path("vector");
        Map<String, float[]> scored = new LinkedHashMap<>();
        if (vector.isArray()) {
            scored.put("", checkDimension("", vector));
        } else if (vector.isObject()) {
            vector.fields().forEachRemaining(e -> scored.put(e.getKey(), checkDimension(e.getKey(), e.getValue())));
        } else {
            throw QdrantError.format("points: missing field `vector`");
        }
        JsonNode payload = point.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw QdrantError.format("points: payload must be an object");
        }
        Point stored = new Point(id.json(), vector, payload == null || payload.isNull() ? null : payload);
        return new Entry(id, stored, version, Collections.unmodifiableMap(scored));
    }

    private float[] checkDimension(String vectorName, JsonNode values) {
        VectorConfig config = vectors.get(vectorName);
        if (config == null) {
            throw QdrantError.wrongInput("Not existing vector name error: " + vectorName);
        }
        if (!values.isArray() || values.size() != config.size()) {
            throw QdrantError.wrongInput("Vector dimension error: expected dim: " + config.size() + ", got " + values.size());
        }
        for (JsonNode value : values) {
            if (!value.isNumber()) {
                throw QdrantError.format("points: vector values must be numbers, got " + value);
            }
        }
        return Scoring.stored(values, config.distance());
    }
}
