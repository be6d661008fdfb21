package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The query answers the double copies (the golden probes' top-k), pinned against the real image: the ranking by
 * score, offset and limit taking a slice of it, score_threshold cutting it, and a point given as the query left
 * out of its own results. The same collection and queries go to both; the ids and scores must match. Runs where
 * Docker runs (CI).
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantQueryContainerTest {
    private static final String IMAGE = System.getProperty("ragback.qdrant.image",
            Optional.ofNullable(System.getenv("RAGBACK_QDRANT_IMAGE")).orElse("qdrant/qdrant:v1.19.0"));
    private static final String KEY = "container-api-key-of-at-least-32-bytes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // distinct angles: no two points score the same against any query below, so the order is the server's, not a tie-break
    private static final int[] DEGREES = {0, 10, 25, 45, 70, 100, 150, 200};
    private static final List<String> QUERIES = List.of(
            "{\"query\":[1,0],\"limit\":3}",
            "{\"query\":[1,0],\"limit\":2,\"offset\":2}",
            "{\"query\":{\"nearest\":[1,0]},\"limit\":10,\"score_threshold\":0.5}",
            "{\"query\":[0.6,0.8],\"limit\":3,\"offset\":1,\"score_threshold\":0.2}",
            "{\"query\":1,\"limit\":3}");

    @Container
    private static final QdrantContainer QDRANT = new QdrantContainer(IMAGE).withApiKey(KEY);

    @Test
    void theRankingItsSlicesAndItsCutAreTheRealServers() throws Exception {
        List<String> real = answers(URI.create("http://" + QDRANT.getHost() + ":" + QDRANT.getMappedPort(6333)), KEY);
        try (QdrantDouble qdrant = new QdrantDouble(KEY)) {
            List<String> copied = answers(qdrant.url(), KEY);
            assertEquals("1:1.0 2:0.9848 3:0.9063", copied.get(0), "the double's own first answer");
            assertEquals(real, copied);
        }
    }

    /** For each query, "id:score ..." of the points it returns, scores to four places. */
    private static List<String> answers(URI url, String key) throws Exception {
        send(url, key, "PUT", "/collections/probes", "{\"vectors\":{\"size\":2,\"distance\":\"Cosine\"}}");
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < DEGREES.length; i++) {
            double radians = Math.toRadians(DEGREES[i]);
            points.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"vector\":[").append(Math.cos(radians))
                    .append(',').append(Math.sin(radians)).append("]}");
        }
        send(url, key, "PUT", "/collections/probes/points?wait=true", "{\"points\":[" + points + "]}");
        List<String> answers = new ArrayList<>();
        for (String query : QUERIES) {
            List<String> scored = new ArrayList<>();
            for (JsonNode point : send(url, key, "POST", "/collections/probes/points/query", query).at("/result/points")) {
                scored.add(point.get("id").asLong() + ":" + Math.round(point.get("score").asDouble() * 10_000) / 10_000.0);
            }
            answers.add(String.join(" ", scored));
        }
        return answers;
    }

    private static JsonNode send(URI url, String key, String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(url.resolve(path)).header("api-key", key)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
