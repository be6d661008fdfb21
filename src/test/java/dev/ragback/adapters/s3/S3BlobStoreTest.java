package dev.ragback.adapters.s3;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.BlobStore;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The S3 adapter against a real S3 server (s3proxy, SigV4), credentials from system properties as the SDK chain reads them. */
@ExtendWith(S3ProxyExtension.class)
class S3BlobStoreTest {
    private static final int PART = 5 << 20;

    @TempDir
    Path work;

    private static final Map<String, String> KEYS = credentials(dev.ragback.testing.s3.S3Proxy.SECRET_KEY);

    private static Map<String, String> credentials(String secret) {
        return Map.of("AWS_ACCESS_KEY_ID", dev.ragback.testing.s3.S3Proxy.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", secret);
    }

    private static S3BlobStore store(S3Bucket bucket, String prefix, boolean pathStyle, String bucketName) {
        return new S3BlobStore(new S3Settings(bucketName, prefix, bucket.proxy().endpoint(), "us-east-1", pathStyle, null, null, PART),
                KEYS);
    }

    private static S3BlobStore store(S3Bucket bucket, String prefix) {
        return store(bucket, prefix, true, bucket.name());
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void multipartUploadKeepsAPerPartChecksumAndDownloadsInRangesToTheSameBytes(S3Bucket bucket) throws Exception {
        String prefix = "mp-" + UUID.randomUUID();
        byte[] data = random(2 * PART + 12345);
        try (S3BlobStore store = store(bucket, prefix)) {
            BlobStore.Uploaded uploaded = store.upload("set/qdrant/c.snapshot", new ByteArrayInputStream(data), "qdrant/c.snapshot", n -> { });
            String sha = Sha256.hex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
            assertEquals(new FileDigest("qdrant/c.snapshot", data.length, sha), uploaded.digest());
            assertTrue(uploaded.checksum().endsWith("-3"), uploaded.checksum());
            BlobStore.Blob head = store.head("set/qdrant/c.snapshot").orElseThrow();
            assertEquals(data.length, head.size());
            // AWS keeps and returns it; s3proxy's filesystem backend keeps none (then a quick verify checks sizes only)
            if (head.checksum() != null) {
                assertEquals(uploaded.checksum(), head.checksum(), "the store keeps the composite SHA-256 it was sent");
            }
            Path target = work.resolve("c.snapshot");
            FileDigest downloaded = store.download("set/qdrant/c.snapshot", target, "qdrant/c.snapshot", n -> { });
            assertEquals(uploaded.digest(), downloaded);
            assertArrayEquals(data, Files.readAllBytes(target));
            assertEquals(List.of(prefix + "/set/qdrant/c.snapshot"), bucket.keys(prefix));
        }
    }

    @Test
    void smallObjectsGoInOnePutWithTheirSha256AndReadBack(S3Bucket bucket) {
        String prefix = "small-" + UUID.randomUUID();
        try (S3BlobStore store = store(bucket, prefix)) {
            byte[] data = "{\"id\": 1}\n".getBytes();
            store.put("a/manifest.json", data);
            assertArrayEquals(data, store.read("a/manifest.json").orElseThrow());
            assertTrue(store.read("a/none.json").isEmpty());
            assertTrue(store.head("a/none.json").isEmpty());
            store.delete(List.of("a/manifest.json", "a/never-was"));
            assertTrue(bucket.keys(prefix).isEmpty());
        }
    }

    @Test
    void aStreamThatFailsMidUploadLeavesNoObjectAndNoOpenUpload(S3Bucket bucket) {
        String prefix = "cut-" + UUID.randomUUID();
        InputStream failing = new InputStream() {
            private long sent;

            @Override
            public int read() {
                if (sent++ > PART + 10) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("pg_dump died"));
                }
                return 7;
            }
        };
        try (S3BlobStore store = store(bucket, prefix)) {
            assertThrows(RuntimeException.class, () -> store.upload("x/postgres/db.dump", failing, "postgres/db.dump", n -> { }));
            assertTrue(bucket.keys(prefix).isEmpty());
            assertEquals(0, bucket.openUploads(prefix), "the upload was aborted");
        }
    }

    @Test
    void staleUploadsAreAbortedAndFreshOnesKept(S3Bucket bucket) {
        String prefix = "stale-" + UUID.randomUUID();
        try (var client = bucket.proxy().client(); S3BlobStore store = store(bucket, prefix)) {
            client.createMultipartUpload(r -> r.bucket(bucket.name()).key(prefix + "/20260101-000000/postgres/db.dump"));
            assertEquals(0, store.abortUploads("", Instant.now().minusSeconds(3600)));
            assertEquals(1, bucket.openUploads(prefix));
            assertEquals(1, store.abortUploads("", Instant.now().plusSeconds(5)));
            assertEquals(0, bucket.openUploads(prefix));
        }
    }

    @Test
    void anUploadGoneBeforeItsAbortIsNoErrorAndTheOthersAreStillAborted(S3Bucket bucket) throws Exception {
        String prefix = "gone-" + UUID.randomUUID();
        try (var client = bucket.proxy().client(); S3BlobStore store = store(bucket, prefix)) {
            String stale = prefix + "/20260101-000000/postgres/db.dump";
            String gone = prefix + "/20260101-000000/qdrant/c.snapshot";
            client.createMultipartUpload(r -> r.bucket(bucket.name()).key(stale));
            String goneId = client.createMultipartUpload(r -> r.bucket(bucket.name()).key(gone)).uploadId();
            // still listed, but its abort answers NoSuchUpload, as S3 does for one aborted between list and abort
            Path record = bucket.proxy().uploadRecord(bucket.name(), goneId);
            Files.delete(record);
            try {
                assertEquals(1, store.abortUploads("", Instant.now().plusSeconds(5)), "only the upload really aborted counts");
                assertEquals(List.of(gone), client.listMultipartUploads(r -> r.bucket(bucket.name()).prefix(prefix)).uploads()
                        .stream().map(MultipartUpload::key).toList());
            } finally {
                Files.createFile(record);
                client.abortMultipartUpload(r -> r.bucket(bucket.name()).key(gone).uploadId(goneId));
            }
            assertEquals(0, bucket.openUploads(prefix));
        }
    }

    @Test
    void probeListsPutsAndDeletes(S3Bucket bucket) {
        String prefix = "probe-" + UUID.randomUUID();
        try (S3BlobStore store = store(bucket, prefix)) {
            assertTrue(store.probe().contains("can list, put and delete in s3://" + bucket.name() + "/" + prefix));
            assertTrue(bucket.keys(prefix).isEmpty());
        }
    }

    @Test
    void failuresNameTheirCause(S3Bucket bucket) {
        try (S3BlobStore missing = store(bucket, "p", true, "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8))) {
            RagbackException e = assertThrows(RagbackException.class, missing::probe);
            assertTrue(e.getMessage().contains("no such bucket"), e.getMessage());
        }
        try (S3BlobStore wrong = new S3BlobStore(new S3Settings(bucket.name(), "p", bucket.proxy().endpoint(), "us-east-1", true,
                null, null, PART), credentials("wrong-secret-123"))) {
            RagbackException e = assertThrows(RagbackException.class, wrong::probe);
            assertTrue(e.getMessage().contains("signature mismatch"), e.getMessage());
            assertTrue(e.hint().contains("path_style"), e.hint());
            assertFalse((e.getMessage() + e.hint()).contains("wrong-secret-123"));
        }
        try (S3BlobStore unreachable = new S3BlobStore(new S3Settings(bucket.name(), "p", java.net.URI.create("http://127.0.0.1:9"),
                "us-east-1", true, null, null, PART), KEYS)) {
            RagbackException e = assertThrows(RagbackException.class, unreachable::probe);
            assertTrue(e.getMessage().contains("host cannot be reached"), e.getMessage());
        }
    }

    @Test
    void aStreamedObjectGoesOutPartByPartAndAnUnfinishedOneLeavesNothing(S3Bucket bucket) throws Exception {
        String prefix = "stream-" + UUID.randomUUID();
        byte[] data = random(2 * PART + 777);
        try (S3BlobStore store = store(bucket, prefix)) {
            BlobStore.Upload upload = store.open("set/postgres/ragdb.dump", n -> { });
            for (int at = 0; at < data.length; at += 100_000) {
                upload.write(data, at, Math.min(100_000, data.length - at));
            }
            FileDigest digest = upload.finish("postgres/ragdb.dump");
            assertEquals(Sha256.hex(java.security.MessageDigest.getInstance("SHA-256").digest(data)), digest.sha256());
            assertTrue(upload.checksum().endsWith("-3"), upload.checksum());
            assertEquals(data.length, store.head("set/postgres/ragdb.dump").orElseThrow().size());

            BlobStore.Upload cut = store.open("set/qdrant/c.snapshot", n -> { });
            cut.write(data, 0, PART + 10);
            assertEquals(1, bucket.openUploads(prefix), "the first part went out in a multipart upload");
            cut.close();
            assertEquals(0, bucket.openUploads(prefix), "closed unfinished: the upload is aborted");
            assertTrue(store.head("set/qdrant/c.snapshot").isEmpty(), "nothing visible under the key");
        }
    }

    @Test
    void s3proxyDoesNotCheckTheSigningRegionSoAWrongOneCannotBeShownAgainstIt(S3Bucket bucket) {
        // s3proxy derives the signing key from the region the client names in its Authorization header
        // (AwsSignature.deriveSigningKeyV4): any region verifies. S3FailuresTest answers as AWS does instead.
        try (S3BlobStore store = new S3BlobStore(new S3Settings(bucket.name(), "region-" + UUID.randomUUID(), bucket.proxy().endpoint(),
                "eu-west-3", true, null, null, PART), KEYS)) {
            assertEquals(List.of(), store.list(""));
        }
    }
}
