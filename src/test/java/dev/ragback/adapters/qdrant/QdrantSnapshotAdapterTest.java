package dev.ragback.adapters.qdrant;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.VectorPoint;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot and points part of the Qdrant adapter, against the double. */
class QdrantSnapshotAdapterTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5));
    private static final String KEY = "adapter-key-31337";

    @TempDir
    Path dir;

    private QdrantDouble qdrant;
    private QdrantRestVectorStore store;

    @BeforeEach
    void start() {
        qdrant = new QdrantDouble(KEY);
        qdrant.createCollection("rag_main_v2", 3, "Cosine");
        qdrant.createAlias("rag_main", "rag_main_v2");
        qdrant.upsertPoints("rag_main_v2", "[{\"id\": 1, \"vector\": [1, 0, 0], \"payload\": {\"uri\": \"a\"}},"
                + "{\"id\": 2, \"vector\": [0.9, 0.1, 0]}, {\"id\": 3, \"vector\": [0, 1, 0]}, {\"id\": 4, \"vector\": [0, 0, 1]}]");
        store = new QdrantRestVectorStore(qdrant.url(), KEY, Duration.ofSeconds(5), Duration.ofMillis(800), FAST);
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    @Test
    void snapshotIsDownloadedStreamedAndHashedThenDeleted() throws Exception {
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        assertTrue(info.name().startsWith("rag_main_v2-"), info.name());
        assertEquals(List.of(info.name()), store.snapshots("rag_main_v2").stream().map(SnapshotInfo::name).toList());
        Path target = dir.resolve("rag_main_v2.snapshot");
        FileDigest digest = store.downloadSnapshot("rag_main_v2", info.name(), target, "qdrant/rag_main_v2.snapshot", n -> { });
        assertEquals(Sha256.of(target, "qdrant/rag_main_v2.snapshot"), digest);
        assertEquals(info.checksum(), digest.sha256());
        assertEquals(info.size(), digest.size());
        store.deleteSnapshot("rag_main_v2", info.name());
        assertTrue(qdrant.snapshotNames("rag_main_v2").isEmpty());
        assertTrue(qdrant.requests().stream().allMatch(r -> KEY.equals(r.header("api-key"))));
        assertTrue(qdrant.requests().stream().anyMatch(r -> r.method().equals("POST") && "wait=true".equals(r.query())));
    }

    @Test
    void aDownloadThatCannotBeWrittenLocallyIsNotRetriedNorBlamedOnQdrant() {
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        qdrant.clearRequests();
        Path unwritable = dir.resolve("no-such-dir/rag_main_v2.snapshot");
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.downloadSnapshot("rag_main_v2", info.name(), unwritable, "s", n -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("cannot write the Qdrant snapshot to " + unwritable), e.getMessage());
        assertTrue(e.hint().contains("free space"), e.hint());
        assertEquals(1, qdrant.requests().stream().filter(r -> r.method().equals("GET")).count(), "downloaded again");
    }

    @Test
    void truncatedAndDroppedDownloadsAreRetriedFromTheStart() throws Exception {
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        qdrant.truncateNextDownloads(1);
        qdrant.dropNextDownloads(1);
        FileDigest digest = store.downloadSnapshot("rag_main_v2", info.name(), dir.resolve("s"), "s", n -> { });
        assertEquals(info.checksum(), digest.sha256());
        assertEquals(Files.size(dir.resolve("s")), info.size());
    }

    @Test
    void downloadThatStaysTruncatedFailsAfterThreeTries() {
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        qdrant.truncateNextDownloads(3);
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.downloadSnapshot("rag_main_v2", info.name(), dir.resolve("s"), "s", n -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("(after 3 attempts)"), e.getMessage());
    }

    @Test
    void silentPeerTripsTheIdleTimeoutNotATotalOne() {
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        qdrant.stallNextDownloads(3, Duration.ofSeconds(5));
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.downloadSnapshot("rag_main_v2", info.name(), dir.resolve("s"), "s", n -> { }));
        assertTrue(e.getMessage().contains("no data for 800ms during the transfer"), e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted(), "the idle watch's interrupt must not leak");
    }

    @Test
    void createIsNotRetriedOn5xx() {
        qdrant.failNext(1);
        assertThrows(RagbackException.class, () -> store.createSnapshot("rag_main_v2"));
        assertEquals(1, qdrant.requests().stream().filter(r -> r.method().equals("POST")).count());
    }

    @Test
    void exactCountFirstPointsAndExactSearch() {
        qdrant.failNext(1);
        assertEquals(4, store.countPoints("rag_main"), "read-only POSTs are retried");
        List<VectorPoint> first = store.firstPoints("rag_main_v2", 2, null);
        assertEquals(List.of(1L, 2L), first.stream().map(VectorPoint::id).toList());
        assertArrayEquals(new float[] {1, 0, 0}, first.get(0).vector());
        List<ScoredPoint> hits = store.exactSearch("rag_main_v2", new float[] {1, 0, 0}, null, 3);
        assertEquals(List.of(1L, 2L), hits.stream().limit(2).map(ScoredPoint::id).toList());
        assertEquals(1.0, hits.get(0).score(), 1e-6);
        assertEquals(0.9 / Math.sqrt(0.82), hits.get(1).score(), 1e-6);
        assertTrue(qdrant.requests().stream().anyMatch(r -> r.path().endsWith("/points/query")));
    }

    @Test
    void namedVectorsAreAskedForByName() {
        qdrant.createCollection("named", "{\"text\": {\"size\": 2, \"distance\": \"Dot\"}, \"image\": {\"size\": 3, \"distance\": \"Euclid\"}}");
        qdrant.upsertPoints("named", "[{\"id\": 7, \"vector\": {\"text\": [1, 2], \"image\": [0, 0, 0]}},"
                + "{\"id\": 8, \"vector\": {\"text\": [2, 2], \"image\": [3, 4, 0]}}]");
        List<VectorPoint> points = store.firstPoints("named", 5, "image");
        assertArrayEquals(new float[] {3, 4, 0}, points.get(1).vector());
        List<ScoredPoint> euclid = store.exactSearch("named", new float[] {0, 0, 0}, "image", 2);
        assertEquals(7L, euclid.get(0).id());
        assertEquals(5.0, euclid.get(1).score(), 1e-6);
        List<ScoredPoint> dot = store.exactSearch("named", new float[] {1, 1}, "text", 1);
        assertEquals(8L, dot.get(0).id());
        assertEquals(4.0, dot.get(0).score(), 1e-6);
    }

    @Test
    void unsafeSnapshotNamesAreRefusedBeforeTheyTouchAUrl() {
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.downloadSnapshot("rag_main_v2", "../../etc/passwd", dir.resolve("s"), "s", n -> { }));
        assertEquals(RagbackException.Kind.USAGE, e.kind());
    }

    @Test
    void uploadWithAWrongChecksumIsRefusedAndChangesNothing() throws Exception {
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        Path file = dir.resolve("s.snapshot");
        store.downloadSnapshot("rag_main_v2", info.name(), file, "s", n -> { });
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.uploadSnapshot("restored", file, "0".repeat(64), "ragback-x-restored.snapshot", n -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("checksum"), e.getMessage());
        assertTrue(store.collection("restored").isEmpty(), "no half collection");
        store.uploadSnapshot("restored", file, info.checksum(), "ragback-x-restored.snapshot", n -> { });
        assertEquals(4, store.countPoints("restored"));
        assertEquals("snapshot", qdrant.recoveries().get(1).priority());
    }
}
