package dev.ragback.adapters.qdrant;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.UploadInDoubt;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.SnapshotRecovery;
import dev.ragback.testing.qdrant.StoredCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot uploads, streamed from disk in large chunks, against the double (which checks the
 * checksum and keeps the file, as Qdrant does). An upload is sent once: the server goes on
 * recovering after a client gives up, so only a refused connection is tried again.
 */
class QdrantUploadTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5));
    // several upload chunks, and not a whole number of them
    private static final long BALLAST = 3L * 1024 * 1024 + 17;
    private static final String UPLOAD = "ragback-20261128-031502-rag_main_v2_r1.snapshot";

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
        store.deleteSnapshot("rag_main_v2", info.name());
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    private long uploads() {
        return qdrant.recoveries().stream().filter(r -> r.route().equals("upload")).count();
    }

    @Test
    void largeSnapshotIsUploadedWholeUnderItsUploadNameAndRecovered() throws Exception {
        assertTrue(Files.size(snapshot) > BALLAST, "the snapshot spans several chunks");
        List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.uploadSnapshot("rag_main_v2_r1", snapshot, digest.sha256(), UPLOAD, sent::add);
        assertTrue(sent.size() > 1, "progress while the body streams, not only at the end: " + sent);
        assertEquals(Files.size(snapshot), sent.get(sent.size() - 1));
        for (int i = 1; i < sent.size(); i++) {
            assertTrue(sent.get(i) > sent.get(i - 1), "bytes sent only grow: " + sent);
        }
        assertEquals(List.of(1L, 2L, 3L), ids("rag_main_v2_r1"));
        SnapshotRecovery recovery = qdrant.recoveries().get(qdrant.recoveries().size() - 1);
        assertEquals("upload", recovery.route());
        assertEquals(digest.sha256(), recovery.checksum(), "the double compared this checksum with the bytes it got");
        assertEquals(List.of("rag_main_v2_r1/" + UPLOAD), qdrant.snapshotFiles(), "Qdrant keeps the upload under its name");
        store.deleteSnapshot("rag_main_v2_r1", UPLOAD);
        assertEquals(List.of(), qdrant.snapshotFiles());
    }

    @Test
    void aFailureStatusAfterTheBodyIsFinalAndTheUploadIsNotSentAgain() {
        qdrant.failNextUploadsAfterBody(1);
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.uploadSnapshot("rag_main_v2", snapshot, digest.sha256(), UPLOAD, n -> { }));
        assertTrue(e.getMessage().contains("answered 500"), e.getMessage());
        assertEquals(1, uploads(), "a 500 (a broken archive) is final");
    }

    @Test
    void aConnectionLostAfterTheWholeFileWentOutIsInDoubtAndNotSentAgain() {
        qdrant.cutNextUploadsAfterBody(1, true);
        UploadInDoubt e = assertThrows(UploadInDoubt.class,
                () -> store.uploadSnapshot("rag_main_v2_r1", snapshot, digest.sha256(), UPLOAD, n -> { }));
        assertTrue(e.getMessage().contains("after the whole file (" + digest.size() + " bytes) went out"), e.getMessage());
        assertTrue(e.getMessage().contains("may still be recovering"), e.getMessage());
        assertEquals(1, uploads(), "never sent twice");
        assertEquals(List.of(1L, 2L, 3L), ids("rag_main_v2_r1"), "the server went on without its client");
    }

    @Test
    void aTimeoutAfterTheWholeFileWentOutIsInDoubtToo() throws Exception {
        // small enough to sit whole in the socket buffers while the server does not read
        qdrant.snapshotBallast(0);
        SnapshotInfo info = store.createSnapshot("rag_main_v2");
        Path small = dir.resolve("small.snapshot");
        FileDigest smallDigest = store.downloadSnapshot("rag_main_v2", info.name(), small, "small", n -> { });
        store.deleteSnapshot("rag_main_v2", info.name());
        // held, not delayed: the timeout only has to outlast the 5.6 kB leaving a busy JVM (700 ms did not, once)
        QdrantRestVectorStore impatient = new QdrantRestVectorStore(qdrant.url(), null, Duration.ofSeconds(5),
                Duration.ofSeconds(5), FAST, Duration.ofSeconds(3));
        qdrant.holdUploads();
        try {
            UploadInDoubt e = assertThrows(UploadInDoubt.class,
                    () -> impatient.uploadSnapshot("rag_main_v2_r1", small, smallDigest.sha256(), UPLOAD, n -> { }));
            assertTrue(e.getMessage().contains("(timeout)"), e.getMessage());
            assertEquals(1, qdrant.uploadsWaiting(), "the upload reached Qdrant and waits there");
        } finally {
            qdrant.releaseUploads();
        }
        dev.ragback.testing.Waits.until(() -> qdrant.store().find("rag_main_v2_r1").isPresent(), "the late recovery");
        assertEquals(1, uploads());
    }

    @Test
    void aRefusedConnectionIsTriedAgainBecauseNoByteWentOut() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        int finalPort = port;
        CompletableFuture<QdrantDouble> later = CompletableFuture.supplyAsync(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new QdrantDouble(null, finalPort);
        });
        QdrantRestVectorStore patient = new QdrantRestVectorStore(java.net.URI.create("http://127.0.0.1:" + port), null,
                Duration.ofSeconds(5), Duration.ofSeconds(5), new RetryPolicy(3, Duration.ofMillis(1500)));
        try {
            patient.uploadSnapshot("fresh", snapshot, digest.sha256(), UPLOAD, n -> { });
            QdrantDouble started = later.get(10, TimeUnit.SECONDS);
            assertEquals(3, started.points("fresh").size());
            assertEquals(1, started.recoveries().size(), "the refused attempt never reached a server");
        } finally {
            later.get(10, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aReadOnlyKeyIsToldItCannotManageCollectionsAndAWrongKeyThatItWasRefused() {
        try (QdrantDouble secured = new QdrantDouble("manage-key", "read-only-key", 0)) {
            RagbackException scoped = assertThrows(RagbackException.class, () -> new QdrantRestVectorStore(secured.url(),
                    "read-only-key", Duration.ofSeconds(5), Duration.ofSeconds(5), FAST)
                    .uploadSnapshot("rag_main_v2", snapshot, digest.sha256(), UPLOAD, n -> { }));
            assertTrue(scoped.getMessage().contains("this API key cannot manage collections (a global manage key is needed)"),
                    scoped.getMessage());
            assertTrue(scoped.hint().contains("global api key"), scoped.hint());
            RagbackException wrong = assertThrows(RagbackException.class, () -> new QdrantRestVectorStore(secured.url(),
                    "wrong-key", Duration.ofSeconds(5), Duration.ofSeconds(5), FAST)
                    .uploadSnapshot("rag_main_v2", snapshot, digest.sha256(), UPLOAD, n -> { }));
            assertTrue(wrong.getMessage().contains("refused the api key (401 for POST"), wrong.getMessage());
            assertTrue(!wrong.getMessage().contains("wrong-key") && !scoped.getMessage().contains("read-only-key"));
        }
    }

    @Test
    void uploadWithAnotherChecksumIsRefused() {
        String wrong = (digest.sha256().charAt(0) == '0' ? "1" : "0") + digest.sha256().substring(1);
        assertThrows(RagbackException.class, () -> store.uploadSnapshot("rag_main_v2_r1", snapshot, wrong, UPLOAD, n -> { }));
        assertTrue(qdrant.store().find("rag_main_v2_r1").isEmpty(), "nothing was recovered");
        assertEquals(List.of(), qdrant.snapshotFiles(), "a checksum mismatch keeps no file");
    }

    @Test
    void missingFileFailsBeforeAnyRequest() {
        qdrant.clearRequests();
        RagbackException e = assertThrows(RagbackException.class,
                () -> store.uploadSnapshot("rag_main_v2_r1", dir.resolve("gone.snapshot"), digest.sha256(), UPLOAD, n -> { }));
        assertTrue(e.getMessage().contains("gone.snapshot"), e.getMessage());
        assertTrue(qdrant.requests().isEmpty());
    }

    private List<Long> ids(String collection) {
        return qdrant.points(collection).stream().map(StoredCollection.Point::id).map(id -> id.asLong()).sorted().toList();
    }
}
