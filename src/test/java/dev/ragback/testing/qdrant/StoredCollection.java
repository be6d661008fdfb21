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

/** One collection held by the double: its vector config, status and points (in Qdrant's id order). */
public final class StoredCollection {

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

    /** A collection from a whole create request ({@link CollectionConfig#parse}). */
    static StoredCollection fromCreateRequest(String name, JsonNode request) {
        CollectionConfig.Parsed parsed = CollectionConfig.parse(request);
        return new StoredCollection(name, parsed.named(), parsed.vectors(), parsed.config());
    }

    /** A collection with the config a snapshot's {@code config.json} holds. */
    static StoredCollection fromConfig(String name, JsonNode snapshotConfig) {
        return fromCreateRequest(name, CollectionConfig.requestOf(snapshotConfig));
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
