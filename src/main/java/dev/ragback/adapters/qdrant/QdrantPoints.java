package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.port.VectorPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Points over REST: exact count, a first page with vectors, one point's vector, exact top-k. */
final class QdrantPoints {
    private final QdrantHttp http;

    QdrantPoints(QdrantHttp http) {
        this.http = http;
    }

    long count(String collection) {
        String path = base(collection) + "/count";
        JsonNode count = http.postReadResult(path, Map.of("exact", true)).path("count");
        if (!count.isIntegralNumber()) {
            throw http.unreadable("POST", path, "no 'count' in the answer", null);
        }
        return count.asLong();
    }

    List<VectorPoint> first(String collection, int limit, String vectorName) {
        String path = base(collection) + "/scroll";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("limit", limit);
        body.put("with_payload", false);
        body.put("with_vector", withVector(vectorName));
        List<VectorPoint> points = new ArrayList<>();
        for (JsonNode point : http.postReadResult(path, body).path("points")) {
            float[] values = values(point, vectorName);
            if (values == null) {
                throw http.unreadable("POST", path, "point " + point.path("id") + " has no vector"
                        + (vectorName == null ? "" : " named '" + vectorName + "'"), null);
            }
            points.add(new VectorPoint(id(point.path("id")), values));
        }
        return points;
    }

    /** Retrieve by id ({@code POST /collections/{c}/points}): a missing point is an empty answer, not an error. */
    Optional<float[]> vector(String collection, Object id, String vectorName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ids", List.of(id));
        body.put("with_payload", false);
        body.put("with_vector", withVector(vectorName));
        JsonNode records = http.postReadResult(base(collection), body);
        if (records.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(values(records.get(0), vectorName));
    }

    List<ScoredPoint> exactSearch(String collection, float[] vector, String vectorName, int limit) {
        String path = base(collection) + "/query";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", vector);
        if (vectorName != null) {
            body.put("using", vectorName);
        }
        body.put("limit", limit);
        body.put("params", Map.of("exact", true));
        body.put("with_payload", false);
        body.put("with_vector", false);
        List<ScoredPoint> hits = new ArrayList<>();
        for (JsonNode hit : http.postReadResult(path, body).path("points")) {
            hits.add(new ScoredPoint(id(hit.path("id")), hit.path("score").asDouble()));
        }
        return hits;
    }

    private static Object withVector(String vectorName) {
        return vectorName == null ? Boolean.TRUE : List.of(vectorName);
    }

    /** The point's vector {@code vectorName} ({@code null}: unnamed), or {@code null} when it has none. */
    private static float[] values(JsonNode point, String vectorName) {
        JsonNode vector = vectorName == null ? point.path("vector") : point.path("vector").path(vectorName);
        if (!vector.isArray()) {
            return null;
        }
        float[] values = new float[vector.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) vector.get(i).asDouble();
        }
        return values;
    }

    private static Object id(JsonNode id) {
        return id.isIntegralNumber() ? (Object) id.asLong() : id.asText();
    }

    private static String base(String collection) {
        return "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/points";
    }
}
