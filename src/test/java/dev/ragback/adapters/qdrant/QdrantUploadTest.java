package dev.ragback.adapters.qdrant;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.SnapshotRecovery;
import dev.ragback.testing.qdrant.StoredCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshot uploads, streamed from disk in large chunks, against the double (which checks the checksum). */
class QdrantUploadTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5));
    // several upload chunks, and not a whole number of them
    private static final long BALLAST = 3L * 1024 * 1024 + 17;

    @TempDir
    Path dir;

    private QdrantDouble qdrant;
    private QdrantRestVectorStore store;
    private Path snapshot;
    private FileDigest digest;

    @BeforeEach
    void start() {
        qdrant = new QdrantDouble();
        qdrant.createCollection("rag_main_v2", 3, "Cosine");
        qdrant.upsertPoints("rag_main_v2", "[{\"id\": 1, \"vector\": [1, 0, 0], \"payload\": {\"uri\": \"a\"}},"
                + "{\"id\": 2, \"vector\": [0, 1, 0]}, {\"id\": 3, \"vector\": [0, 0, 1]}]");
        qdrant.snapshotBallast(BALLAST);
        store = new QdrantRestVectorStore(qdrant.url(), null, Duration.ofSeconds(5), Duration.ofSeconds(5), FAST);
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        snapshot = dir.resolve("rag_main_v2.snapshot");
        digest = store.downloadSnapshot("rag_main_v2", info.name(), snapshot, "qdrant/rag_main_v2.snapshot", n -> { });
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    @Test
    void largeSnapshotIsUploadedWholeAndRecovered() throws Exception {
        assertTrue(Files.size(snapshot) > BALLAST, "the snapshot spans several chunks");
        List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.uploadSnapshot("rag_main_v2_r1", snapshot, digest.sha256(), sent::add);
        assertTrue(sent.size() > 1, "progress while the body streams, not only at the end: " + sent);
        assertEquals(Files.size(snapshot), sent.get(sent.size() - 1));
        for (int i = 1; i < sent.size(); i++) {
            assertTrue(sent.get(i) > sent.get(i - 1), "bytes sent only grow: " + sent);
        }
        assertEquals(List.of(1L, 2L, 3L), ids("rag_main_v2_r1"));
        SnapshotRecovery recovery = qdrant.recoveries().get(qdrant.recoveries().size() - 1);
        assertEquals("upload", recovery.route());
        assertEquals(digest.sha256(), recovery.checksum(), "the double compared this checksum with the bytes it got");
    }

    @Test
    void uploadFailingAfterTheBodyIsSentAgainFromTheStart() throws Exception {
        qdrant.failNextUploadsAfterBody(2);
        store.uploadSnapshot("rag_main_v2", snapshot, digest.sha256());
        assertEquals(List.of(1L, 2L, 3L), ids("rag_main_v2"));
        assertEquals(3, qdrant.recoveries().stream().filter(r -> r.route().equals("upload")).count());
    }

    @Test
    void uploadWithAnotherChecksumIsRefused() {
        String wrong = (digest.sha256().charAt(0) == '0' ? "1" : "0") + digest.sha256().substring(1);
        assertThrows(RagbackException.class, () -> store.uploadSnapshot("rag_main_v2_r1", snapshot, wrong));
        assertTrue(qdrant.store().find("rag_main_v2_r1").isEmpty(), "nothing was recovered");
    }

    @Test
    void missingFileFailsBeforeAnyRequest() {
        qdrant.clearRequests();
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.uploadSnapshot("rag_main_v2_r1", dir.resolve("gone.snapshot"), digest.sha256()));
        assertTrue(e.getMessage().contains("gone.snapshot"), e.getMessage());
        assertTrue(qdrant.requests().isEmpty());
    }

    private List<Long> ids(String collection) {
        return qdrant.points(collection).stream().map(StoredCollection.Point::id).map(id -> id.asLong()).sorted().toList();
    }
}
