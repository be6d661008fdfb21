package dev.ragback.app.fakes;

import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/** An object store in memory that keeps each object's whole-object SHA-256 as S3 does, and the order of writes. */
public final class FakeBlobStore implements BlobStore {
    private record Stored(byte[] bytes, Instant modified, String checksum) {
    }

    private final Map<String, Stored> objects = new TreeMap<>();
    public final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    public final List<String> deletes = new ArrayList<>();
    public Instant now = Instant.parse("2026-12-01T00:00:00Z");

    @Override
    public String location() {
        return "s3://fake/sets";
    }

    @Override
    public synchronized List<Blob> list(String prefix) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> new Blob(e.getKey(), e.getValue().bytes().length, e.getValue().modified(), null)).toList();
    }

    @Override
    public synchronized Optional<Blob> head(String key) {
        return Optional.ofNullable(objects.get(key)).map(o -> new Blob(key, o.bytes().length, o.modified(), o.checksum()));
    }

    @Override
    public synchronized Optional<byte[]> read(String key) {
        return Optional.ofNullable(objects.get(key)).map(Stored::bytes);
    }

    @Override
    public synchronized void put(String key, byte[] bytes) {
        writes.add(key);
        objects.put(key, new Stored(bytes.clone(), now, checksum(bytes)));
    }

    /** Keys of uploads closed unfinished (aborted). */
    public final List<String> aborted = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Writes to streamed objects whose key contains this fail, as a bucket that went away. */
    public String failWritesUnder;

    @Override
    public Upload open(String key, LongConsumer progress) {
        return new Upload() {
            private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            private boolean done;
            private String checksum;

            @Override
            public void write(byte[] b, int off, int len) {
                if (failWritesUnder != null && key.contains(failWritesUnder)) {
                    throw dev.ragback.app.RagbackException.external("cannot upload " + key + ": the bucket went away", null, null);
                }
                bytes.write(b, off, len);
                progress.accept(bytes.size());
            }

            @Override
            public void write(java.nio.ByteBuffer source) {
                byte[] copy = new byte[source.remaining()];
                source.get(copy);
                write(copy, 0, copy.length);
            }

            @Override
            public FileDigest finish(String relativePath) {
                byte[] all = bytes.toByteArray();
                put(key, all);
                done = true;
                checksum = FakeBlobStore.checksum(all);
                return new FileDigest(relativePath, all.length, sha256(all));
            }

            @Override
            public String checksum() {
                return checksum;
            }

            @Override
            public void close() {
                if (!done) {
                    done = true;
                    aborted.add(key);
                }
            }
        };
    }

    @Override
    public synchronized FileDigest download(String key, Path target, String relativePath, LongConsumer progress) {
        byte[] bytes = objects.get(key).bytes();
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FileDigest(relativePath, bytes.length, sha256(bytes));
    }

    @Override
    public synchronized void delete(List<String> keys) {
        deletes.addAll(keys);
        keys.forEach(objects::remove);
    }

    @Override
    public int abortUploads(String prefix, Instant before) {
        return 0;
    }

    @Override
    public String probe() {
        return "can list, put and delete in " + location();
    }

    /** Changes one byte of a stored object behind the store's back (bit rot): its checksum attribute stays. */
    public synchronized void rot(String key) {
        Stored o = objects.get(key);
        byte[] bytes = o.bytes().clone();
        bytes[bytes.length / 2] ^= 1;
        objects.put(key, new Stored(bytes, o.modified(), o.checksum()));
    }

    public synchronized boolean has(String key) {
        return objects.containsKey(key);
    }

    private static String sha256(byte[] bytes) {
        return Sha256.hex(Sha256.newDigest().digest(bytes));
    }

    private static String checksum(byte[] bytes) {
        return Base64.getEncoder().encodeToString(Sha256.newDigest().digest(bytes));
    }
}
