package dev.ragback.app.snapshot;

import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.files.HashingOutput;
import dev.ragback.app.port.BlobStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set created straight into a bucket: pg_dump's output and the Qdrant download stream into
 * multipart uploads as they are hashed, with no local copy; the manifest goes last
 * ({@link #complete}). {@link #discard} aborts the uploads still open and removes what was written.
 */
final class StreamedSet implements SetSink {
    private final ObjectSets remote;
    private final String id;
    private final Map<String, String> checksums = new TreeMap<>();
    private final Set<BlobStore.Upload> open = ConcurrentHashMap.newKeySet();

    StreamedSet(ObjectSets remote, String id) {
        this.remote = remote;
        this.id = id;
    }

    @Override
    public FileTarget file(String relativePath) {
        return progress -> new Recorded(relativePath, remote.open(id + "/" + relativePath, progress));
    }

    @Override
    public Path directory(String relativePath) {
        throw new IllegalStateException("a dump in the directory format cannot be streamed into " + remote.location());
    }

    /** checksums.json, then the manifest: only now the set is visible. */
    void complete(Manifest manifest) throws IOException {
        Map<String, String> recorded;
        synchronized (checksums) {
            recorded = Map.copyOf(checksums);
        }
        remote.complete(id, recorded, manifest);
    }

    /** Aborts the uploads still open and removes the set's objects; false when some could not be removed. */
    boolean discard() {
        open.forEach(BlobStore.Upload::close);
        return remote.discard(id);
    }

    /** An upload that records its stored checksum when it completes. */
    private final class Recorded extends HashingOutput {
        private final String relativePath;
        private final BlobStore.Upload upload;

        Recorded(String relativePath, BlobStore.Upload upload) {
            this.relativePath = relativePath;
            this.upload = upload;
            open.add(upload);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            upload.write(bytes, offset, length);
        }

        @Override
        public void write(ByteBuffer source) throws IOException {
            upload.write(source);
        }

        @Override
        public FileDigest finish(String path) throws IOException {
            FileDigest digest = upload.finish(path);
            open.remove(upload);
            synchronized (checksums) {
                checksums.put(relativePath, upload.checksum());
            }
            return digest;
        }

        @Override
        public void close() {
            open.remove(upload);
            upload.close();
        }
    }
}
