package dev.ragback.app.port;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.HashingOutput;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * An object store that keeps snapshot sets off the host (an S3-compatible bucket). Keys are
 * relative to the repository's prefix. Failures are EXTERNAL {@link dev.ragback.app.RagbackException}s
 * whose message names the cause (no such bucket, access denied, signature mismatch, unreachable),
 * never a credential.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * One stored object.
     *
     * @param key      relative to the repository prefix
     * @param size     bytes
     * @param modified last modification
     * @param checksum the store's SHA-256 checksum attribute as S3 gives it: base64 of the object's
     *                 sha256, or of its parts' digests with {@code -N} for N parts; {@code null} when
     *                 the store keeps none (or for a listing)
     */
    record Blob(String key, long size, Instant modified, String checksum) {
    }

    /**
     * An object written.
     *
     * @param digest   size and plain sha256 of the content
     * @param checksum the checksum attribute the store was asked to keep (as {@link Blob#checksum})
     */
    record Uploaded(FileDigest digest, String checksum) {
    }

    /** Where the store is, for messages: {@code s3://bucket/prefix}. */
    String location();

    /** Objects under {@code prefix}, without checksums. */
    List<Blob> list(String prefix);

    /** The object's size and stored checksum (HEAD with checksum mode), or empty when there is none. */
    Optional<Blob> head(String key);

    /** A small object (a manifest) whole, or empty when there is none. */
    Optional<byte[]> read(String key);

    /** Writes a small object in one request, its sha256 sent along for the store to check. */
    void put(String key, byte[] bytes);

    /**
     * A new object being written as a stream ({@link #open}): hashed as the bytes come and sent in
     * parts, each with its sha256 (a multipart upload when larger than one part). {@link #finish}
     * completes it; closed unfinished, it is aborted and nothing is visible under its key.
     */
    abstract class Upload extends HashingOutput {
        /** The checksum attribute the store was asked to keep (as {@link Blob#checksum}); set by {@link #finish}. */
        public abstract String checksum();

        /** Never throws: an upload given up is aborted quietly (prune aborts what is left). */
        @Override
        public abstract void close();
    }

    /** Opens the new object {@code key} for streaming; see {@link Upload}. */
    Upload open(String key, LongConsumer progress);

    /**
     * Streams {@code in} into a new object through {@link #open}. Nothing is visible under {@code key}
     * unless the whole stream arrived. {@code relativePath} goes into the returned digest.
     */
    default Uploaded upload(String key, InputStream in, String relativePath, LongConsumer progress) {
        try (Upload out = open(key, progress)) {
            out.copyFrom(in);
            return new Uploaded(out.finish(relativePath), out.checksum());
        } catch (InterruptedIOException e) {
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "upload of " + key + " was interrupted");
        } catch (IOException e) {
            throw RagbackException.external("cannot read what goes to " + location() + "/" + key + ": " + e.getMessage(), null, e);
        }
    }

    /** Downloads the object into the new file {@code target} with parallel ranged reads, hashing on the way. */
    FileDigest download(String key, Path target, String relativePath, LongConsumer progress);

    /** Deletes objects; missing ones are no error. */
    void delete(List<String> keys);

    /**
     * Aborts multipart uploads under {@code prefix} started before {@code before}; returns how many. One
     * already gone when its abort is sent is no error and is not counted.
     */
    int abortUploads(String prefix, Instant before);

    /** Doctor's bucket check: it can list, and put and delete a probe object; the result names what was done. */
    String probe();

    /** Releases connections; never throws. */
    @Override
    default void close() {
    }
}
