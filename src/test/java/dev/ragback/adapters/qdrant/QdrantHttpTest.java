package dev.ragback.adapters.qdrant;

import dev.ragback.app.RagbackException;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transport rules the adapter's read-only calls do not show on their own. */
class QdrantHttpTest {
    private final QdrantDouble qdrant = new QdrantDouble();

    @AfterEach
    void stop() {
        qdrant.close();
    }

    private QdrantHttp http(int attempts) {
        return new QdrantHttp(qdrant.url(), null, Duration.ofSeconds(5), new RetryPolicy(attempts, Duration.ofMillis(5)));
    }

    @Test
    void nonIdempotentCallsAreSentOnce() {
        qdrant.failNext(1, 503);
        RagbackException e = assertThrows(RagbackException.class, () -> http(3).send("PUT", "/collections/c",
                "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}", false, Set.of()));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertFalse(e.getMessage().contains("attempts"), e.getMessage());
        assertEquals(1, qdrant.requests().size());
        assertTrue(qdrant.store().find("c").isEmpty());
    }

    @Test
    void qdrantsErrorTextIsQuotedAndClientErrorsAreNotRetried() {
        qdrant.createCollection("c", 4, "Dot");
        RagbackException e = assertThrows(RagbackException.class, () -> http(3).send("PUT", "/collections/c",
                "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}", true, Set.of()));
        assertEquals("Qdrant at " + qdrant.url() + " answered 409 for PUT /collections/c: "
                + "Wrong input: Collection `c` already exists!", e.getMessage());
        assertEquals(1, qdrant.requests().size());
    }

    @Test
    void aDroppedConnectionWithoutRetriesSaysSo() {
        qdrant.dropNext(5);
        RagbackException e = assertThrows(RagbackException.class, () -> http(1).get("/", Set.of()));
        assertTrue(e.getMessage().startsWith("Qdrant at " + qdrant.url() + ": connection"), e.getMessage());
        assertTrue(e.getMessage().endsWith("for GET /"), e.getMessage());
    }

    @Test
    void toStringHidesTheKey() {
        QdrantHttp http = new QdrantHttp(qdrant.url(), "very-secret", Duration.ofSeconds(1), RetryPolicy.DEFAULT);
        assertFalse(http.toString().contains("very-secret"));
    }
}
