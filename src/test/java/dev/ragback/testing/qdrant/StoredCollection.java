package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

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

    private final String name;
    private final boolean named;
    private final Map<String, VectorConfig> vectors;
    private final NavigableMap<PointId, Entry> points = new TreeMap<>();
    private long operations;
    private String status = "green";
    private int yellowReads;

    private StoredCollection(String name, boolean named, Map<String, VectorConfig> vectors) {
        this.name = name;
        this.named = named;
        this.vectors = vectors;
    }

    /** A collection from the {@code vectors} member of a create request (missing means no dense vectors). */
    static StoredCollection fromRequest(String name, JsonNode vectors) {
        if (vectors == null || vectors.isNull() || vectors.isMissingNode()) {
            return new StoredCollection(name, true, Map.of());
        }
        if (!vectors.isObject()) {
            throw QdrantError.format("vectors: expected a map");
        }
        if (vectors.has("size") || vectors.has("distance")) {
            return new StoredCollection(name, false, Map.of("", vectorConfig("vectors", vectors)));
        }
        Map<String, VectorConfig> named = new TreeMap<>(); // Qdrant keeps named vectors in a BTreeMap
        for (Iterator<Map.Entry<String, JsonNode>> it = vectors.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            named.put(entry.getKey(), vectorConfig("vectors." + entry.getKey(), entry.getValue()));
        }
        return new StoredCollection(name, true, Collections.unmodifiableMap(named));
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

    /** The {@code vectors} member of a create request that makes this collection's twin. */
    JsonNode vectorsJson() {
        ObjectNode json = Replies.JSON.createObjectNode();
        if (!named) {
            VectorConfig only = vectors.get("");
            return json.put("size", only.size()).put("distance", only.distance());
        }
        vectors.forEach((vectorName, config) ->
                json.putObject(vectorName).put("size", config.size()).put("distance", config.distance()));
        return json;
    }

    boolean sameVectors(StoredCollection other) {
        return named == other.named && vectors.equals(other.vectors);
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
