package dev.ragback.adapters.qdrant;

import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One point's vector by id ({@code POST /collections/{c}/points}), against the double. */
class QdrantPointVectorTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5));

    private QdrantDouble qdrant;
    private QdrantRestVectorStore store;

    @BeforeEach
    void start() {
        qdrant = new QdrantDouble();
        qdrant.createCollection("plain", 2, "Dot");
        qdrant.upsertPoints("plain", "[{\"id\": 17, \"vector\": [3, 4]},"
                + "{\"id\": \"5c56c793-69f3-4fbf-87e6-c4bf54c28c26\", \"vector\": [1, 2]}]");
        qdrant.createCollection("named", "{\"text\": {\"size\": 2, \"distance\": \"Dot\"}, \"image\": {\"size\": 3, \"distance\": \"Dot\"}}");
        qdrant.upsertPoints("named", "[{\"id\": 7, \"vector\": {\"text\": [1, 2], \"image\": [5, 6, 7]}},"
                + "{\"id\": 8, \"vector\": {\"text\": [2, 2]}}]");
        store = new QdrantRestVectorStore(qdrant.url(), null, Duration.ofSeconds(5), Duration.ofSeconds(5), FAST);
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    @Test
    void readsTheUnnamedVectorOfAnIntegerOrUuidPoint() {
        assertArrayEquals(new float[] {3, 4}, store.vector("plain", 17L, null).orElseThrow());
        assertArrayEquals(new float[] {1, 2}, store.vector("plain", "5c56c793-69f3-4fbf-87e6-c4bf54c28c26", null).orElseThrow());
        RecordedRequest request = qdrant.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/collections/plain/points", request.path());
    }

    @Test
    void readsANamedVectorByName() {
        assertArrayEquals(new float[] {5, 6, 7}, store.vector("named", 7L, "image").orElseThrow());
        assertArrayEquals(new float[] {2, 2}, store.vector("named", 8L, "text").orElseThrow());
    }

    @Test
    void aMissingPointOrVectorIsEmpty() {
        assertEquals(Optional.empty(), store.vector("plain", 18L, null));
        assertEquals(Optional.empty(), store.vector("named", 8L, "image"));
    }

    @Test
    void isRetriedLikeTheOtherReadOnlyPosts() {
        qdrant.failNext(2);
        assertTrue(store.vector("plain", 17L, null).isPresent());
    }
}
