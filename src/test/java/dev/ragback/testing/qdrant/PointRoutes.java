package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Count, scroll, query, delete and retrieve. Filters and non-nearest queries are refused with a
 * 400 naming the double, rather than answered wrongly.
 */
final class PointRoutes {
    private static final int DEFAULT_LIMIT = 10;

    private final CollectionStore store;

    PointRoutes(CollectionStore store) {
        this.store = store;
    }

    Replies.Reply count(String collection, JsonNode body) {
        StoredCollection stored = store.require(collection);
        noFilter(body);
        return Replies.ok(Replies.JSON.createObjectNode().put("count", stored.pointsCount()));
    }

    Replies.Reply scroll(String collection, JsonNode body) {
        StoredCollection stored = store.require(collection);
        noFilter(body);
        if (present(body.get("order_by"))) {
            throw unsupported("order_by");
        }
        int limit = limit(body);
        PointId offset = present(body.get("offset")) ? PointId.of(body.get("offset"), "offset") : null;
        List<StoredCollection.Entry> page = stored.page(offset, limit + 1);
        ObjectNode result = Replies.JSON.createObjectNode();
        ArrayNode points = result.putArray("points");
        for (StoredCollection.Entry entry : page.subList(0, Math.min(limit, page.size()))) {
            points.add(record(stored, entry, body, true));
        }
        result.set("next_page_offset", page.size() > limit ? page.get(limit).key().json() : NullNode.getInstance());
        return Replies.ok(result);
    }

    Replies.Reply retrieve(String collection, JsonNode body) {
        StoredCollection stored = store.require(collection);
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray()) {
            throw QdrantError.format("missing field `ids`");
        }
        ArrayNode records = Replies.JSON.createArrayNode();
        Set<PointId> seen = new HashSet<>();
        for (JsonNode id : ids) {
            StoredCollection.Entry entry = stored.entry(PointId.of(id, "ids"));
            if (entry != null && seen.add(entry.key())) {
                records.add(record(stored, entry, body, true));
            }
        }
        return Replies.ok(records);
    }

    Replies.Reply delete(String collection, JsonNode body, boolean wait) {
        StoredCollection stored = store.require(collection);
        noFilter(body);
        JsonNode ids = body.get("points");
        if (ids == null || !ids.isArray()) {
            throw QdrantError.format("data did not match any variant of untagged enum PointsSelector");
        }
        List<PointId> keys = new ArrayList<>();
        ids.forEach(id -> keys.add(PointId.of(id, "points")));
        return Replies.ok(Replies.updateResult(stored.delete(keys), wait));
    }

    /** Nearest neighbours by exact scoring; the query is a vector, or a point id meaning that point's vector. */
    Replies.Reply query(String collection, JsonNode body) {
        StoredCollection stored = store.require(collection);
        noFilter(body);
        if (present(body.get("prefetch"))) {
            throw unsupported("prefetch");
        }
        JsonNode query = body.get("query");
        if (query != null && query.isObject()) {
            if (!query.has("nearest") || query.size() != 1) {
                throw unsupported("query " + query.fieldNames().next());
            }
            query = query.get("nearest");
        }
        String using = body.path("using").isTextual() ? body.get("using").asText() : "";
        StoredCollection.VectorConfig config = stored.vectors().get(using);
        if (config == null) {
            throw QdrantError.wrongInput("Not existing vector name error: " + using);
        }
        int limit = limit(body);
        int offset = body.path("offset").asInt(0);
        List<Scored> scored = present(query) ? nearest(stored, using, config, query, reach(offset, limit)) : byId(stored);
        JsonNode threshold = body.get("score_threshold");
        boolean bigger = Scoring.biggerIsBetter(config.distance());
        ArrayNode points = Replies.JSON.createArrayNode();
        scored.stream()
                .filter(s -> !present(threshold) || (bigger ? s.score >= threshold.floatValue() : s.score <= threshold.floatValue()))
                .skip(offset).limit(limit)
                .forEach(s -> points.add(scoredPoint(stored, s, body)));
        ObjectNode result = Replies.JSON.createObjectNode();
        result.set("points", points);
        return Replies.ok(result);
    }

    private record Scored(StoredCollection.Entry entry, float score) {
        PointId key() {
            return entry.key();
        }
    }

    /** How much of the ranking an answer can reach: offset + limit (a score threshold only cuts it shorter); ranking more is wasted. */
    private static int reach(int offset, int limit) {
        return (int) Math.min(Integer.MAX_VALUE, (long) Math.max(0, offset) + limit);
    }

    /** The {@code best} points nearest to the query, best first; ties go to the smaller id. */
    private static List<Scored> nearest(StoredCollection stored, String using, StoredCollection.VectorConfig config,
                                        JsonNode query, int best) {
        float[] target;
        PointId self = null;
        if (query.isArray()) {
            if (query.size() != config.size()) {
                throw QdrantError.wrongInput("Vector dimension error: expected dim: " + config.size() + ", got " + query.size());
            }
            target = Scoring.stored(query, config.distance());
        } else {
            self = PointId.of(query, "query");
            StoredCollection.Entry entry = stored.entry(self);
            if (entry == null) {
                throw new QdrantError(404, "Not found: No point with id " + self + " found");
            }
            target = entry.scored().get(using);
            if (target == null) {
                throw new QdrantError(404, "Not found: Vector with name \"" + using + "\" for point not found");
            }
        }
        Comparator<Scored> ranking = Comparator.comparingDouble(Scored::score);
        if (Scoring.biggerIsBetter(config.distance())) {
            ranking = ranking.reversed();
        }
        ranking = ranking.thenComparing(Scored::key);
        // the worst kept point first, so each better one replaces it
        PriorityQueue<Scored> kept = new PriorityQueue<>(ranking.reversed());
        for (StoredCollection.Entry entry : stored.entries()) {
            float[] vector = entry.scored().get(using);
            // like Qdrant, a point given as the query is left out of its own results
            if (vector != null && !entry.key().equals(self)) {
                kept.add(new Scored(entry, Scoring.score(config.distance(), target, vector)));
                if (kept.size() > best) {
                    kept.poll();
                }
            }
        }
        List<Scored> scored = new ArrayList<>(kept);
        scored.sort(ranking);
        return scored;
    }

    /** Without a query Qdrant lists the points by id. */
    private static List<Scored> byId(StoredCollection stored) {
        return stored.entries().stream().map(e -> new Scored(e, 0f)).toList();
    }

    private static ObjectNode scoredPoint(StoredCollection stored, Scored scored, JsonNode request) {
        ObjectNode point = Replies.JSON.createObjectNode();
        point.set("id", scored.entry().key().json());
        point.put("version", scored.entry().version());
        point.set("score", Scoring.number(scored.score()));
        point.set("payload", payload(scored.entry(), request.get("with_payload"), false));
        point.set("vector", vector(stored, scored.entry(), request.get("with_vector")));
        return point;
    }

    private static ObjectNode record(StoredCollection stored, StoredCollection.Entry entry, JsonNode request,
                                     boolean payloadByDefault) {
        ObjectNode record = Replies.JSON.createObjectNode();
        record.set("id", entry.key().json());
        record.set("payload", payload(entry, request.get("with_payload"), payloadByDefault));
        record.set("vector", vector(stored, entry, request.get("with_vector")));
        return record;
    }

    /** {@code with_payload}: a boolean, a list of keys, or {@code {include|exclude: [keys]}}. */
    private static JsonNode payload(StoredCollection.Entry entry, JsonNode with, boolean byDefault) {
        boolean wanted = present(with) ? !(with.isBoolean() && !with.asBoolean()) : byDefault;
        if (!wanted) {
            return NullNode.getInstance();
        }
        ObjectNode payload = entry.point().payload() == null ? Replies.JSON.createObjectNode()
                : entry.point().payload().deepCopy();
        JsonNode include = with == null ? null : with.isArray() ? with : with.get("include");
        if (include != null && include.isArray()) {
            Set<String> keys = new HashSet<>();
            include.forEach(k -> keys.add(k.asText()));
            payload.retain(keys);
        }
        JsonNode exclude = with == null ? null : with.get("exclude");
        if (exclude != null && exclude.isArray()) {
            exclude.forEach(k -> payload.remove(k.asText()));
        }
        return payload;
    }

    /** {@code with_vector}: a boolean or a list of vector names; Cosine vectors come back normalised, as from Qdrant. */
    private static JsonNode vector(StoredCollection stored, StoredCollection.Entry entry, JsonNode with) {
        if (!present(with) || (with.isBoolean() && !with.asBoolean())) {
            return NullNode.getInstance();
        }
        if (!stored.named()) {
            return Scoring.array(entry.scored().get(""));
        }
        Set<String> names = new HashSet<>();
        if (with.isArray()) {
            with.forEach(n -> names.add(n.asText()));
        }
        ObjectNode vectors = Replies.JSON.createObjectNode();
        for (Map.Entry<String, float[]> vector : entry.scored().entrySet()) {
            if (names.isEmpty() || names.contains(vector.getKey())) {
                vectors.set(vector.getKey(), Scoring.array(vector.getValue()));
            }
        }
        return vectors;
    }

    private static int limit(JsonNode body) {
        JsonNode limit = body.get("limit");
        if (!present(limit)) {
            return DEFAULT_LIMIT;
        }
        if (!limit.canConvertToInt() || limit.asInt() < 1) {
            throw QdrantError.validation("limit: value " + limit + " invalid, must be 1 or larger");
        }
        return limit.asInt();
    }

    private static void noFilter(JsonNode body) {
        JsonNode filter = body.get("filter");
        if (present(filter) && !(filter.isObject() && filter.isEmpty())) {
            throw unsupported("filter");
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static QdrantError unsupported(String what) {
        return QdrantError.wrongInput("the Qdrant test double does not support `" + what + "`");
    }
}
