package dev.ragback.adapters.s3;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.BlobStore;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One object streamed into the bucket. Bytes fill a part buffer made of 1 MiB chunks (allocated as
 * needed, reused for every part: a small object costs a small buffer and a big one at most one
 * part); a full part goes out with its SHA-256 as the part checksum. The chunks live outside the
 * heap: a part held on the heap would make the JVM size its heap (and touch it) for several times
 * that, 300 MB of RSS instead of 200 for two 64 MiB parts. An object smaller than a part
 * is one PUT with its whole-object checksum. Closed unfinished: the multipart upload is aborted.
 * Synchronized: a create that fails closes the uploads of the other half from another thread.
 */
final class S3Upload extends BlobStore.Upload {
    private static final int CHUNK = 1 << 20;

    private final S3BlobStore store;
    private final String key;
    private final int partSize;
    private final LongConsumer progress;
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private final MessageDigest whole = Sha256.newDigest();
    private final MessageDigest composite = Sha256.newDigest();
    private MessageDigest part = Sha256.newDigest();
    private final List<CompletedPart> parts = new ArrayList<>();
    private int filled;
    private long sent;
    private String uploadId;
    private String checksum;
    private boolean closed;

    S3Upload(S3BlobStore store, String key, int partSize, LongConsumer progress) {
        this.store = store;
        this.key = key;
        this.partSize = partSize;
        this.progress = progress == null ? n -> { } : progress;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("upload of " + key + " is closed");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("upload of " + key + " cancelled");
        }
        whole.update(bytes, offset, length);
        while (length > 0) {
            if (filled == partSize) {
                sendPart();
            }
            int index = filled / CHUNK;
            int at = filled % CHUNK;
            if (index == chunks.size()) {
                chunks.add(ByteBuffer.allocateDirect(CHUNK));
            }
            int n = Math.min(length, Math.min(CHUNK - at, partSize - filled));
            chunks.get(index).put(at, bytes, offset, n);
            part.update(bytes, offset, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled % CHUNK == 0) {
                progress.accept(sent + filled);
            }
        }
    }

    @Override
    public synchronized void write(ByteBuffer source) throws IOException {
        if (source.hasArray()) {
            write(source.array(), source.arrayOffset() + source.position(), source.remaining());
            source.position(source.limit());
            return;
        }
        byte[] copy = new byte[Math.min(source.remaining(), 64 * 1024)];
        while (source.hasRemaining()) {
            int n = Math.min(copy.length, source.remaining());
            source.get(copy, 0, n);
            write(copy, 0, n);
        }
    }

    private void sendPart() {
        byte[] digest = part.digest();
        String partChecksum = base64(digest);
        try {
            if (uploadId == null) {
                uploadId = store.createMultipartUpload(key);
            }
            int number = parts.size() + 1;
            String etag = store.client().uploadPart(r -> r.bucket(store.settings().bucket()).key(store.settings().key(key))
                    .uploadId(uploadId).partNumber(number).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .checksumSHA256(partChecksum), body()).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).checksumSHA256(partChecksum).build());
        } catch (SdkException e) {
            throw failed(e);
        }
        composite.update(digest);
        sent += filled;
        filled = 0;
        part = Sha256.newDigest();
        progress.accept(sent);
    }

    @Override
    public synchronized FileDigest finish(String relativePath) throws IOException {
        if (closed) {
            throw new IOException("upload of " + key + " is closed");
        }
        long size = sent + filled;
        try {
            if (uploadId == null) {
                checksum = base64(part.digest());
                store.putObject(key, body(), checksum);
            } else {
                if (filled > 0) {
                    sendPart();
                }
                String id = uploadId;
                store.client().completeMultipartUpload(r -> r.bucket(store.settings().bucket()).key(store.settings().key(key))
                        .uploadId(id).multipartUpload(u -> u.parts(parts)));
                checksum = base64(composite.digest()) + "-" + parts.size();
            }
        } catch (SdkException e) {
            throw failed(e);
        }
        closed = true;
        chunks.clear();
        progress.accept(size);
        return new FileDigest(relativePath, size, Sha256.hex(whole.digest()));
    }

    @Override
    public synchronized String checksum() {
        return checksum;
    }

    /** Unfinished: aborts the multipart upload, so nothing of it stays in the bucket. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            chunks.clear();
            store.abortQuietly(key, uploadId);
        }
    }

    private RagbackException failed(SdkException e) {
        close();
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            return new RagbackException(RagbackException.Kind.INTERRUPTED, "upload of " + key + " was interrupted");
        }
        return S3Failures.map("cannot upload " + key + " to", store.settings(), e);
    }

    private RequestBody body() {
        int length = filled;
        List<ByteBuffer> current = List.copyOf(chunks);
        // a provider, not fromBytes: the chunks are not copied, and the signer can read them twice
        return RequestBody.fromContentProvider(() -> stream(current, length), length, "application/octet-stream");
    }

    private static InputStream stream(List<ByteBuffer> chunks, int length) {
        return new InputStream() {
            private int chunk;
            private int at;
            private int left = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int max) {
                if (left == 0) {
                    return -1;
                }
                int n = Math.min(max, Math.min(left, CHUNK - at));
                chunks.get(chunk).get(at, into, offset, n);
                at += n;
                left -= n;
                if (at == CHUNK) {
                    chunk++;
                    at = 0;
                }
                return n;
            }

            @Override
            public int available() {
                return left;
            }
        };
    }

    private static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }
}
