package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Count, scroll, query, delete and retrieve: behaviour checked by hand, every answer against the contract. */
class QdrantDoublePointsTest extends QdrantDoubleTestBase {
    private static final double EPS = 1e-6;

    private void collectionWith(String distance, String points) {
        qdrant.createCollection("rag", 2, distance);
        qdrant.upsertPoints("rag", points);
    }

    private JsonNode query(String body) throws Exception {
        return json(valid("POST", "/collections/rag/points/query", body, 200)).at("/result/points");
    }

    private static List<Long> ids(JsonNode points) {
        List<Long> ids = new ArrayList<>();
        points.forEach(p -> ids.add(p.get("id").asLong()));
        return ids;
    }

    private static void assertScores(JsonNode points, double... expected) {
        assertEquals(expected.length, points.size(), points::toString);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], points.get(i).get("score").asDouble(), EPS, points::toString);
        }
    }

    @Test
    void countsExactlyAlsoThroughAnAlias() throws Exception {
        collectionWith("Dot", "[{\"id\":1,\"vector\":[1,0]},{\"id\":2,\"vector\":[0,1]}]");
        qdrant.createAlias("live", "rag");
        assertEquals(2, json(valid("POST", "/collections/rag/points/count", "{\"exact\":true}", 200)).at("/result/count").asInt());
        assertEquals(2, json(valid("POST", "/collections/live/points/count", "{}", 200)).at("/result/count").asInt());
        assertEquals("Not found: Collection `nope` doesn't exist!",
                error(valid("POST", "/collections/nope/points/count", "{\"exact\":true}", 404)));
    }

    @Test
    void scrollPagesInIdOrderWithTheNextOffset() throws Exception {
        collectionWith("Dot", "[{\"id\":5,\"vector\":[5,0]},{\"id\":1,\"vector\":[1,0],\"payload\":{\"doc\":\"a\"}},"
                + "{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"vector\":[9,9]},{\"id\":3,\"vector\":[3,0]}]");
        JsonNode first = json(valid("POST", "/collections/rag/points/scroll", "{\"limit\":2}", 200)).get("result");
        assertEquals(List.of(1L, 3L), ids(first.get("points")));
        assertEquals(5, first.get("next_page_offset").asInt());
        assertEquals("a", first.at("/points/0/payload/doc").asText(), "payload comes by default");
        assertTrue(first.at("/points/0/vector").isNull(), "vectors only on request");
        JsonNode second = json(valid("POST", "/collections/rag/points/scroll",
                "{\"limit\":2,\"offset\":5,\"with_vector\":true,\"with_payload\":false}", 200)).get("result");
        assertEquals(5, second.at("/points/0/id").asInt());
        assertEquals("550e8400-e29b-41d4-a716-446655440000", second.at("/points/1/id").asText(), "UUIDs after integers");
        assertEquals("[9.0,9.0]", second.at("/points/1/vector").toString());
        assertTrue(second.at("/points/0/payload").isNull());
        assertTrue(second.get("next_page_offset").isNull());
        assertTrue(error(valid("POST", "/collections/rag/points/scroll", "{\"limit\":0}", 422)).contains("limit"));
    }

    @Test
    void cosineScoresAreDotProductsOfNormalisedVectorsWithTiesById() throws Exception {
        collectionWith("Cosine", "[{\"id\":4,\"vector\":[3,4]},{\"id\":1,\"vector\":[1,0]},"
                + "{\"id\":3,\"vector\":[0,1]},{\"id\":2,\"vector\":[0.6,0.8]}]");
        JsonNode points = query("{\"query\":[2,0],\"limit\":10,\"params\":{\"exact\":true},\"with_vector\":true}");
        assertEquals(List.of(1L, 2L, 4L, 3L), ids(points));
        assertScores(points, 1.0, 0.6, 0.6, 0.0);
        assertEquals(0.6, points.at("/2/vector/0").asDouble(), EPS, "Qdrant stores Cosine vectors normalised");
        assertEquals(0.8, points.at("/2/vector/1").asDouble(), EPS);
        assertTrue(points.at("/0/payload").isNull());
        assertTrue(points.at("/0/version").isIntegralNumber());
    }

    @Test
    void dotScoresAreRawDotProducts() throws Exception {
        collectionWith("Dot", "[{\"id\":1,\"vector\":[1,2]},{\"id\":2,\"vector\":[3,-1]},{\"id\":3,\"vector\":[0.5,0.5]}]");
        JsonNode points = query("{\"query\":[2,1],\"with_payload\":true}");
        assertEquals(List.of(2L, 1L, 3L), ids(points));
        assertScores(points, 5.0, 4.0, 1.5);
        assertEquals("{}", points.at("/0/payload").toString());
    }

    @Test
    void euclidAndManhattanReportTheDistanceSmallestFirst() throws Exception {
        String points = "[{\"id\":2,\"vector\":[3,4]},{\"id\":3,\"vector\":[1,1]},{\"id\":1,\"vector\":[0,0]}]";
        collectionWith("Euclid", points);
        JsonNode euclid = query("{\"query\":[1,0]}");
        assertEquals(List.of(1L, 3L, 2L), ids(euclid));
        assertScores(euclid, 1.0, 1.0, Math.sqrt(20));
        qdrant.store().delete("rag");
        collectionWith("Manhattan", points);
        JsonNode manhattan = query("{\"query\":[1,0],\"limit\":2}");
        assertEquals(List.of(1L, 3L), ids(manhattan));
        assertScores(manhattan, 1.0, 1.0);
    }

    @Test
    void aPointIdAsQueryUsesItsVectorAndLeavesItOut() throws Exception {
        collectionWith("Dot", "[{\"id\":1,\"vector\":[1,2]},{\"id\":2,\"vector\":[3,-1]},{\"id\":3,\"vector\":[0.5,0.5]}]");
        JsonNode points = query("{\"query\":2}");
        assertEquals(List.of(1L, 3L), ids(points));
        assertScores(points, 1.0, 1.0);
        assertEquals(List.of(1L, 2L), ids(query("{\"query\":{\"nearest\":[1,1]},\"score_threshold\":1.5}")));
        assertEquals("Not found: No point with id 9 found",
                error(valid("POST", "/collections/rag/points/query", "{\"query\":9}", 404)));
    }

    @Test
    void namedVectorsAreChosenWithUsing() throws Exception {
        qdrant.createCollection("rag", "{\"text\":{\"size\":2,\"distance\":\"Dot\"},\"image\":{\"size\":3,\"distance\":\"Euclid\"}}");
        qdrant.upsertPoints("rag", "[{\"id\":1,\"vector\":{\"text\":[1,0],\"image\":[0,0,0]}},"
                + "{\"id\":2,\"vector\":{\"text\":[0,1],\"image\":[1,2,2]}}]");
        JsonNode text = query("{\"query\":[0,2],\"using\":\"text\"}");
        assertEquals(List.of(2L, 1L), ids(text));
        assertScores(text, 2.0, 0.0);
        JsonNode image = query("{\"query\":[1,2,2],\"using\":\"image\",\"with_vector\":[\"image\"]}");
        assertEquals(List.of(2L, 1L), ids(image));
        assertScores(image, 0.0, 3.0);
        assertEquals(1, image.at("/0/vector").size());
        assertEquals("[1.0,2.0,2.0]", image.at("/0/vector/image").toString());
        assertEquals("Wrong input: Not existing vector name error: ",
                error(valid("POST", "/collections/rag/points/query", "{\"query\":[1,0]}", 400)));
        assertEquals("Wrong input: Vector dimension error: expected dim: 3, got 2",
                error(valid("POST", "/collections/rag/points/query", "{\"query\":[1,0],\"using\":\"image\"}", 400)));
    }

    @Test
    void deletesAndRetrievesPointsThroughAnAlias() throws Exception {
        collectionWith("Dot", "[{\"id\":1,\"vector\":[1,0],\"payload\":{\"doc\":\"a\"}},{\"id\":2,\"vector\":[0,1]},"
                + "{\"id\":3,\"vector\":[1,1]}]");
        qdrant.createAlias("live", "rag");
        JsonNode deleted = json(valid("POST", "/collections/live/points/delete?wait=true", "{\"points\":[2,7]}", 200));
        assertEquals("completed", deleted.at("/result/status").asText());
        assertEquals(List.of(1L, 3L), qdrant.points("rag").stream().map(p -> p.id().asLong()).toList());
        JsonNode records = json(valid("POST", "/collections/live/points",
                "{\"ids\":[3,2,1],\"with_vector\":true}", 200)).get("result");
        assertEquals(List.of(3L, 1L), ids(records));
        assertEquals("a", records.at("/1/payload/doc").asText());
        assertEquals("[1.0,1.0]", records.at("/0/vector").toString());
        qdrant.deletePoints("rag", 1L);
        assertEquals(1, qdrant.points("live").size());
    }

    @Test
    void filtersAreRefusedRatherThanAnsweredWrongly() throws Exception {
        collectionWith("Dot", "[{\"id\":1,\"vector\":[1,0]}]");
        String filter = "\"filter\":{\"must\":[{\"key\":\"doc\",\"match\":{\"value\":\"a\"}}]}";
        for (String action : List.of("count", "scroll", "query", "delete")) {
            assertTrue(error(valid("POST", "/collections/rag/points/" + action, "{" + filter + "}", 400))
                    .contains("does not support `filter`"), action);
        }
        assertEquals(1, qdrant.points("rag").size());
    }

    @Test
    void malformedPointRequestsAreFormatErrors() throws Exception {
        collectionWith("Dot", "[{\"id\":1,\"vector\":[1,0]}]");
        assertTrue(error(valid("POST", "/collections/rag/points/delete", "{\"points\":[-1]}", 400)).startsWith("Format error"));
        assertTrue(error(valid("POST", "/collections/rag/points", "{}", 400)).contains("ids"));
        assertTrue(error(valid("POST", "/collections/rag/points/count", "", 400)).startsWith("Format error"));
    }
}
