package dev.ragback.adapters.qdrant;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.CollectionInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter against the real qdrant image; runs where Docker runs (CI), skipped elsewhere. It
 * also pins the behaviour the double copies (open probes, 401 elsewhere) to the real server.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantContainerTest {
    private static final String KEY = "container-api-key";

    @Container
    private static final QdrantContainer QDRANT = new QdrantContainer("qdrant/qdrant:v1.19.0").withApiKey(KEY);

    private static URI url() {
        return URI.create("http://" + QDRANT.getHost() + ":" + QDRANT.getMappedPort(6333));
    }

    private static QdrantRestVectorStore store(String key) {
        return new QdrantRestVectorStore(url(), key, Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    @BeforeAll
    static void createCollectionAndAlias() throws Exception {
        put("/collections/rag_v1", "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"}}");
        post("/collections/aliases",
                "{\"actions\":[{\"create_alias\":{\"collection_name\":\"rag_v1\",\"alias_name\":\"rag_main\"}}]}");
    }

    @Test
    void reportsTheImagesVersionAndIsReady() {
        assertTrue(store(KEY).serverVersion().startsWith("1.19"), store(KEY).serverVersion());
        assertTrue(store(KEY).ready());
    }

    @Test
    void findsTheCollectionItCreated() {
        QdrantRestVectorStore store = store(KEY);
        assertTrue(store.collectionNames().contains("rag_v1"));
        CollectionInfo info = store.collection("rag_v1").orElseThrow();
        assertEquals(List.of(new CollectionInfo.VectorParams("", 4, "Cosine")), info.vectors());
        assertEquals(Optional.empty(), store.collection("missing"));
    }

    @Test
    void resolvesTheAlias() {
        assertEquals(Optional.of("rag_v1"), store(KEY).resolveAlias("rag_main"));
        assertEquals(Optional.of("rag_v1"), store(KEY).resolve("rag_main"));
    }

    @Test
    void probesAreOpenButCollectionsNeedTheKey() {
        assertTrue(store(null).serverVersion().startsWith("1.19"));
        assertTrue(store(null).ready());
        RagbackException missing = assertThrows(RagbackException.class, () -> store(null).collectionNames());
        // older servers answer 403 where newer ones answer 401; both are "no valid key"
        assertTrue(missing.getMessage().matches(".*\\(40[13] for GET /collections\\).*"), missing.getMessage());
        RagbackException wrong = assertThrows(RagbackException.class, () -> store("wrong-key").collectionNames());
        assertTrue(wrong.getMessage().contains("refused the api key"), wrong.getMessage());
    }

    private static void put(String path, String json) throws IOException, InterruptedException {
        send("PUT", path, json);
    }

    private static void post(String path, String json) throws IOException, InterruptedException {
        send("POST", path, json);
    }

    private static void send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url().resolve(path))
                .header("api-key", KEY)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
    }
}
