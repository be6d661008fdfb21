package dev.ragback.adapters.qdrant;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QdrantRestVectorStoreTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5));
    private static final Duration IDLE = Duration.ofSeconds(5);
    private static final String KEY = "k3y-do-not-print";

    private QdrantDouble qdrant;

    @BeforeEach
    void start() {
        qdrant = new QdrantDouble();
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    private QdrantRestVectorStore store() {
        return new QdrantRestVectorStore(qdrant.url(), null, Duration.ofSeconds(5), IDLE, FAST);
    }

    @Test
    void readsTheServerVersion() {
        assertEquals("1.19.0", store().serverVersion());
    }

    @Test
    void readyFollowsReadyz() {
        assertTrue(store().ready());
        qdrant.ready(false);
        assertFalse(store().ready());
        long readyzCalls = qdrant.requests().stream().filter(r -> r.path().equals("/readyz")).count();
        assertEquals(2, readyzCalls, "a 503 from /readyz is an answer, not a reason to retry");
    }

    @Test
    void listsCollectionNames() {
        assertEquals(List.of(), store().collectionNames());
        qdrant.createCollection("rag_main", 4, "Cosine");
        qdrant.createCollection("rag_main_r20250101-000000", 4, "Cosine");
        assertEquals(List.of("rag_main", "rag_main_r20250101-000000"), store().collectionNames());
    }

    @Test
    void describesACollectionWithAnUnnamedVector() {
        qdrant.createCollection("rag_main", 384, "Cosine");
        qdrant.collectionStatus("rag_main", "yellow");
        CollectionInfo info = store().collection("rag_main").orElseThrow();
        assertEquals(new CollectionInfo("rag_main", "yellow", 0L, List.of(new CollectionInfo.VectorParams("", 384, "Cosine")),
                info.config()), info);
        assertFalse(info.green());
        assertEquals(384, info.config().at("/params/vectors/size").asInt(), "the whole config, as reported: " + info.config());
        assertEquals(1, info.config().at("/params/shard_number").asInt());
        assertEquals(16, info.config().at("/hnsw_config/m").asInt());
    }

    @Test
    void readsTheClusterStatus() {
        assertEquals(ClusterStatus.singleNode(), store().clusterStatus());
        qdrant.clusterPeers(3);
        ClusterStatus cluster = store().clusterStatus();
        assertEquals(ClusterStatus.Mode.CLUSTER, cluster.mode());
        assertEquals("cluster mode, 3 peers", cluster.describe());
    }

    @Test
    void aKeyThatMayNotReadTheClusterStatusLeavesItUnknownAndAReadOnlyKeyMayNotManage() {
        try (QdrantDouble secured = new QdrantDouble("manage", "read-only", 0)) {
            QdrantRestVectorStore reader = new QdrantRestVectorStore(secured.url(), "read-only", Duration.ofSeconds(5), IDLE, FAST);
            assertEquals(ClusterStatus.Mode.SINGLE_NODE, reader.clusterStatus().mode(), "global read access may ask");
            int before = secured.requests().size();
            RagbackException denied = assertThrows(RagbackException.class, reader::checkManageAccess);
            assertTrue(denied.getMessage().contains("this API key cannot manage collections (a global manage key is needed)"),
                    denied.getMessage());
            assertTrue(denied.getMessage().contains("(403 for POST /collections/aliases: Forbidden: Global manage access is required)"),
                    denied.getMessage());
            assertEquals(before + 1, secured.requests().size(), "a 403 is not tried again");
            new QdrantRestVectorStore(secured.url(), "manage", Duration.ofSeconds(5), IDLE, FAST).checkManageAccess();
            assertEquals(java.util.Map.of(), secured.store().aliases(), "the check changes nothing");
        }
        qdrant.failNext(1, 403); // the JSON envelope a collection-scoped JWT gets on /cluster
        ClusterStatus unknown = store().clusterStatus();
        assertEquals(ClusterStatus.Mode.UNKNOWN, unknown.mode());
        assertTrue(unknown.detail().startsWith("GET /cluster answered 403"), unknown.detail());
    }

    @Test
    void tellsWhetherACollectionOrAliasExistsAndMakesAPlaceholder() {
        store().createPlaceholderCollection("holder");
        qdrant.createAlias("live", "holder");
        assertTrue(store().collectionExists("holder"));
        assertTrue(store().collectionExists("live"));
        assertFalse(store().collectionExists("nope"));
        assertEquals(1, qdrant.store().find("holder").orElseThrow().vectors().get("").size());
    }

    @Test
    void describesACollectionWithNamedVectors() {
        qdrant.createCollection("multi", "{\"text\":{\"size\":3,\"distance\":\"Dot\"},\"image\":{\"size\":2,\"distance\":\"Euclid\"}}");
        CollectionInfo info = store().collection("multi").orElseThrow();
        assertEquals(List.of(new CollectionInfo.VectorParams("image", 2, "Euclid"),
                new CollectionInfo.VectorParams("text", 3, "Dot")), info.vectors());
        assertTrue(info.green());
    }

    @Test
    void countsPointsAsReported() throws Exception {
        qdrant.createCollection("rag_main", 2, "Cosine");
        qdrant.store().upsert("rag_main", new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("[{\"id\":1,\"vector\":[0.5,0.5]},{\"id\":2,\"vector\":[0.25,0.5]}]"));
        assertEquals(2L, store().collection("rag_main").orElseThrow().pointsCount());
    }

    @Test
    void missingCollectionIsEmptyNotAnError() {
        assertEquals(Optional.empty(), store().collection("nope"));
        assertEquals(1, qdrant.requests().size(), "a 404 is an answer, not a reason to retry");
    }

    @Test
    void listsAndResolvesAliases() {
        qdrant.createCollection("rag_v1", 4, "Cosine");
        qdrant.createCollection("rag_v2", 4, "Cosine");
        qdrant.createAlias("rag_main", "rag_v2");
        qdrant.createAlias("rag_old", "rag_v1");
        QdrantRestVectorStore store = store();
        assertEquals(List.of(new Alias("rag_main", "rag_v2"), new Alias("rag_old", "rag_v1")), store.aliases());
        assertEquals(Optional.of("rag_v2"), store.resolveAlias("rag_main"));
        assertEquals(Optional.empty(), store.resolveAlias("rag_v2"));
    }

    @Test
    void resolveFindsAliasTargetsCollectionsAndNothingElse() {
        qdrant.createCollection("rag_v2", 4, "Cosine");
        qdrant.createAlias("rag_main", "rag_v2");
        QdrantRestVectorStore store = store();
        assertEquals(Optional.of("rag_v2"), store.resolve("rag_main"));
        assertEquals(Optional.of("rag_v2"), store.resolve("rag_v2"));
        assertEquals(Optional.empty(), store.resolve("missing"));
    }

    @Test
    void sendsTheApiKeyHeaderWhenSet() {
        qdrant.close();
        qdrant = new QdrantDouble(KEY);
        QdrantRestVectorStore store = new QdrantRestVectorStore(qdrant.url(), KEY, Duration.ofSeconds(5), IDLE, FAST);
        assertEquals(List.of(), store.collectionNames());
        RecordedRequest request = qdrant.requests().get(0);
        assertEquals(KEY, request.header("api-key"));
        assertFalse(store.toString().contains(KEY));
    }

    @Test
    void sendsNoApiKeyHeaderWhenUnset() {
        store().collectionNames();
        assertNull(qdrant.requests().get(0).header("api-key"));
        assertNull(qdrant.requests().get(0).header("authorization"));
    }

    @Test
    void refusedKeyIsExternalNamingTheKeyButNotItsValue() {
        qdrant.close();
        qdrant = new QdrantDouble("the-right-key");
        QdrantRestVectorStore store = new QdrantRestVectorStore(qdrant.url(), KEY, Duration.ofSeconds(5), IDLE, FAST);
        RagbackException e = assertThrows(RagbackException.class, store::collectionNames);
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("refused the api key"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + qdrant.url().getPort()), e.getMessage());
        assertTrue(e.getMessage().contains("401 for GET /collections"), e.getMessage());
        assertEquals("check QDRANT_API_KEY", e.hint());
        assertFalse(e.getMessage().contains(KEY) || e.hint().contains(KEY));
        assertEquals(1, qdrant.requests().size(), "a refused key is not retried");
    }

    @Test
    void missingKeySaysOneIsNeeded() {
        qdrant.close();
        qdrant = new QdrantDouble("the-right-key");
        RagbackException e = assertThrows(RagbackException.class, () -> store().aliases());
        assertTrue(e.getMessage().contains("wants an api key"), e.getMessage());
        assertEquals("set QDRANT_API_KEY", e.hint());
    }

    @Test
    void retriesABriefBurstOfServerErrors() {
        qdrant.createCollection("rag_main", 4, "Cosine");
        qdrant.failNext(2, 503);
        assertEquals(List.of("rag_main"), store().collectionNames());
        assertEquals(3, qdrant.requests().size());
    }

    @Test
    void givesUpAfterThreeAttempts() {
        qdrant.failNext(4, 500);
        RagbackException e = assertThrows(RagbackException.class, () -> store().collectionNames());
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertEquals("Qdrant at " + qdrant.url() + " answered 500 for GET /collections: "
                + "Service internal error: injected fault (after 3 attempts)", e.getMessage());
        assertEquals(3, qdrant.requests().size());
    }

    @Test
    void retriesADroppedConnection() {
        qdrant.dropNext(1);
        assertEquals("1.19.0", store().serverVersion());
        assertTrue(qdrant.requests().size() >= 2, "the dropped request was sent again");
    }

    @Test
    void slowAnswerBeyondTheTimeoutIsExternalMentioningTheTimeout() {
        qdrant.delay(Duration.ofSeconds(2));
        QdrantRestVectorStore store = new QdrantRestVectorStore(qdrant.url(), null, Duration.ofMillis(200), IDLE,
                new RetryPolicy(2, Duration.ofMillis(5)));
        long started = System.nanoTime();
        RagbackException e = assertThrows(RagbackException.class, store::collectionNames);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        assertTrue(e.getMessage().contains("200ms"), e.getMessage());
        assertTrue(tookMillis < 1500, "two attempts of 200ms should not wait for the 2s answer: " + tookMillis);
    }

    @Test
    void unreachableServerIsExternalConnectionRefused() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        QdrantRestVectorStore store = new QdrantRestVectorStore(URI.create("http://127.0.0.1:" + freePort),
                KEY, Duration.ofSeconds(2), IDLE, FAST);
        RagbackException e = assertThrows(RagbackException.class, store::serverVersion);
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertEquals("Qdrant at http://127.0.0.1:" + freePort + ": connection refused for GET / (after 3 attempts)",
                e.getMessage());
    }

    @Test
    void honoursAPathPrefixInTheBaseUrl() {
        QdrantRestVectorStore store = new QdrantRestVectorStore(URI.create(qdrant.url() + "/"), null,
                Duration.ofSeconds(5), IDLE, FAST);
        assertEquals("1.19.0", store.serverVersion());
        assertEquals("/", qdrant.requests().get(0).path());
    }

    @Test
    void encodesNamesAsOnePathSegment() {
        assertEquals("rag%40main%25%C3%A9", QdrantRestVectorStore.segment("collection", "rag@main%é"));
        qdrant.createCollection("rag@main", 4, "Cosine");
        assertEquals("rag@main", store().collection("rag@main").orElseThrow().name());
        assertEquals("/collections/rag%40main", qdrant.requests().get(0).path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../etc", "a/b", "..", "bad\u0000name", "tab\tname"})
    void refusesUnsafeNamesBeforeAnyRequest(String name) {
        QdrantRestVectorStore store = store();
        RagbackException collection = assertThrows(RagbackException.class, () -> store.collection(name));
        RagbackException alias = assertThrows(RagbackException.class, () -> store.resolveAlias(name));
        assertEquals(RagbackException.Kind.USAGE, collection.kind());
        assertEquals(RagbackException.Kind.USAGE, alias.kind());
        assertEquals(List.of(), qdrant.requests());
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        RagbackException e = assertThrows(RagbackException.class,
                () -> new QdrantRestVectorStore(URI.create("ftp://example.org"), null, Duration.ofSeconds(1), IDLE));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, e.kind());
    }
}
