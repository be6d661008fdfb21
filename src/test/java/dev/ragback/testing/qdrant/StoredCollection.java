package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** One collection held by the double: its vector config, status and points. */
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
     * @param id      integer or UUID id as sent
     * @param vector  the vector as sent: an array, or an object of named arrays
     * @param payload the payload object, or {@code null}
     */
    public record Point(JsonNode id, JsonNode vector, JsonNode payload) {
    }

    private final String name;
    private final boolean named;
    private final Map<String, VectorConfig> vectors;
    private final Map<String, Point> points = new LinkedHashMap<>();
    private String status = "green";

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

    public synchronized String status() {
        return status;
    }

    synchronized void status(String status) {
        if (!Set.of("green", "yellow", "grey", "red").contains(status)) {
            throw new IllegalArgumentException("Qdrant has no collection status " + status);
        }
        this.status = status;
    }

    public synchronized List<Point> points() {
        return List.copyOf(points.values());
    }

    public synchronized int pointsCount() {
        return points.size();
    }

    /** Checks every point first, so a bad point stores none of the batch. */
    synchronized void upsert(JsonNode pointList) {
        if (!pointList.isArray()) {
            throw QdrantError.format("missing field `points`");
        }
        List<Point> batch = new ArrayList<>();
        for (JsonNode point : pointList) {
            batch.add(checkedPoint(point));
        }
        batch.forEach(p -> points.put(p.id().asText(), p));
    }

    private Point checkedPoint(JsonNode point) {
        JsonNode id = point.path("id");
        boolean uuid = id.isTextual() && id.asText().matches("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
        if (!(id.isIntegralNumber() && id.asLong() >= 0) && !uuid) {
            throw QdrantError.format("points: id must be an unsigned integer or a UUID, got " + id);
        }
        JsonNode vector = point.path("vector");
        if (vector.isArray()) {
            checkDimension("", vector);
        } else if (vector.isObject()) {
            vector.fields().forEachRemaining(e -> checkDimension(e.getKey(), e.getValue()));
        } else {
            throw QdrantError.format("points: missing field `vector`");
        }
        JsonNode payload = point.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw QdrantError.format("points: payload must be an object");
        }
        return new Point(id, vector, payload == null || payload.isNull() ? null : payload);
    }

    private void checkDimension(String vectorName, JsonNode values) {
        VectorConfig config = vectors.get(vectorName);
        if (config == null) {
            throw QdrantError.wrongInput("Not existing vector name error: " + vectorName);
        }
        if (!values.isArray() || values.size() != config.size()) {
            throw QdrantError.wrongInput("Vector dimension error: expected dim: " + config.size() + ", got " + values.size());
        }
    }
}
