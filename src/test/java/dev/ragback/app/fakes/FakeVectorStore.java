package dev.ragback.app.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.HashingFileWriter;
import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.VectorPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.function.LongConsumer;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.VectorStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory vector store for use-case tests. */
public final class FakeVectorStore implements VectorStore {
    public final Map<String, List<VectorPoint>> points = new LinkedHashMap<>();
    public final Map<String, SnapshotInfo> serverSnapshots = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    public final List<String> calls = new ArrayList<>();
    public boolean lieAboutChecksum;
    public RuntimeException downloadFailure;
    /** Counted down when a download begins. */
    public final java.util.concurrent.CountDownLatch downloadStarted = new java.util.concurrent.CountDownLatch(1);
    /** When set, a download waits for it (or an interrupt), like a slow transfer. */
    public java.util.concurrent.CountDownLatch downloadGate;
    public RuntimeException uploadFailure;
    /** How many alias updates still fail with a 500. */
    public volatile int aliasFailures;
    /** Thrown once the upload's recovery is done, e.g. an answer lost on the way back. */
    public RuntimeException afterUploadFailure;
    /** The status a collection has after an upload (e.g. "yellow": stuck, never green). */
    public String statusAfterUpload = "green";
    /** Snapshot content by checksum, so an upload can bring the points back. */
    public final Map<String, List<VectorPoint>> snapshotContents = new LinkedHashMap<>();
    public final Map<String, CollectionInfo> collections = new LinkedHashMap<>();
    public final List<Alias> aliases = new ArrayList<>();
    public String version = "1.19.0";
    public ClusterStatus cluster = ClusterStatus.singleNode();
    /** Thrown by {@link #checkManageAccess()}, e.g. the failure of a read-only key. */
    public RuntimeException manageDenied;
    /** The copies the server keeps of uploads, as collection/name, until deleted. */
    public final java.util.Set<String> uploadedCopies = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());
    public boolean ready = true;
    public boolean down;

    public FakeVectorStore withCollection(String name, String status, long points) {
        collections.put(name, new CollectionInfo(name, status, points, List.of(new CollectionInfo.VectorParams("", 4, "Cosine"))));
        return this;
    }

    /** Gives a collection the whole config Qdrant would report for it (JSON text of {@code config}). */
    public FakeVectorStore withConfig(String name, String configJson) {
        try {
            JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(configJson);
            collections.computeIfPresent(name, (n, info) -> new CollectionInfo(n, info.status(), info.pointsCount(), info.vectors(), config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Adds points with 4-dimensional vectors derived from their ids. */
    public FakeVectorStore withPoints(String collection, int count) {
        List<VectorPoint> list = points.computeIfAbsent(collection, c -> new ArrayList<>());
        for (long id = 1; id <= count; id++) {
            list.add(new VectorPoint(id, new float[] {id % 3, id % 5, id % 7, 1}));
        }
        collections.computeIfPresent(collection, (n, info) -> new CollectionInfo(n, info.status(), (long) list.size(), info.vectors(),
                info.config()));
        return this;
    }

    public FakeVectorStore withAlias(String alias, String collection) {
        aliases.add(new Alias(alias, collection));
        return this;
    }

    private void reachable() {
        if (down) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant at http://fake:6333: connection refused");
        }
    }

    @Override
    public String serverVersion() {
        reachable();
        return version;
    }

    @Override
    public boolean ready() {
        reachable();
        return ready;
    }

    @Override
    public ClusterStatus clusterStatus() {
        reachable();
        return cluster;
    }

    @Override
    public void checkManageAccess() {
        reachable();
        if (manageDenied != null) {
            throw manageDenied;
        }
    }

    @Override
    public boolean collectionExists(String name) {
        reachable();
        return collections.containsKey(name) || aliases.stream().anyMatch(a -> a.aliasName().equals(name));
    }

    @Override
    public void createPlaceholderCollection(String name) {
        reachable();
        calls.add("createPlaceholderCollection " + name);
        collections.put(name, new CollectionInfo(name, "green", 0L, List.of(new CollectionInfo.VectorParams("", 1, "Cosine"))));
    }

    @Override
    public List<String> collectionNames() {
        reachable();
        return List.copyOf(collections.keySet());
    }

    @Override
    public Optional<CollectionInfo> collection(String name) {
        reachable();
        return Optional.ofNullable(collections.get(name));
    }

    @Override
    public List<Alias> aliases() {
        reachable();
        return List.copyOf(aliases);
    }

    @Override
    public Optional<String> resolveAlias(String alias) {
        reachable();
        return aliases.stream().filter(a -> a.aliasName().equals(alias)).map(Alias::collectionName).findFirst();
    }

    private byte[] snapshotBytes(String collection) {
        return ("fake snapshot of " + collection + " with " + points.getOrDefault(collection, List.of()).size() + " points")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public SnapshotInfo createSnapshot(String collection) {
        reachable();
        calls.add("createSnapshot " + collection);
        byte[] bytes = snapshotBytes(collection);
        String checksum = lieAboutChecksum ? "0".repeat(64) : sha256(bytes);
        SnapshotInfo info = new SnapshotInfo(collection + "-1-2026-11-28-03-15-02.snapshot", "2026-11-28T03:15:02", bytes.length, checksum);
        snapshotContents.put(sha256(bytes), List.copyOf(points.getOrDefault(collection, List.of())));
        serverSnapshots.put(info.name(), info);
        return info;
    }

    @Override
    public List<SnapshotInfo> snapshots(String collection) {
        reachable();
        return List.copyOf(serverSnapshots.values());
    }

    @Override
    public FileDigest downloadSnapshot(String collection, String snapshot, dev.ragback.app.files.FileTarget target,
                                       String relativePath, LongConsumer progress) {
        reachable();
        calls.add("download " + snapshot);
        downloadStarted.countDown();
        if (downloadGate != null) {
            try {
                downloadGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while waiting for Qdrant");
            }
        }
        if (downloadFailure != null) {
            throw downloadFailure;
        }
        try (dev.ragback.app.files.HashingOutput out = target.open(progress)) {
            out.write(snapshotBytes(collection));
            return out.finish(relativePath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void deleteSnapshot(String collection, String snapshot) {
        reachable();
        calls.add("deleteSnapshot " + snapshot);
        if (Thread.currentThread().isInterrupted()) {
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while waiting for Qdrant"); // as the HTTP client
        }
        serverSnapshots.remove(snapshot);
        uploadedCopies.remove(collection + "/" + snapshot);
    }

    @Override
    public long countPoints(String collection) {
        reachable();
        return points.getOrDefault(collection, List.of()).size();
    }

    @Override
    public List<VectorPoint> firstPoints(String collection, int limit, String vectorName) {
        reachable();
        return points.getOrDefault(collection, List.of()).stream().limit(limit).toList();
    }

    @Override
    public Optional<float[]> vector(String collection, Object id, String vectorName) {
        reachable();
        return points.getOrDefault(collection, List.of()).stream()
                .filter(p -> p.id().equals(id)).map(VectorPoint::vector).findFirst();
    }

    @Override
    public List<ScoredPoint> exactSearch(String collection, float[] vector, String vectorName, int limit) {
        reachable();
        return points.getOrDefault(collection, List.of()).stream()
                .map(p -> new ScoredPoint(p.id(), dot(p.vector(), vector)))
                .sorted(Comparator.comparingDouble(ScoredPoint::score).reversed())
                .limit(limit).toList();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void uploadSnapshot(String collection, Path file, String sha256, String uploadName, LongConsumer bytesSent) {
        reachable();
        calls.add("upload " + collection);
        try {
            bytesSent.accept(file == null ? 0 : java.nio.file.Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        uploadedCopies.add(collection + "/" + uploadName); // the whole body went out: the server keeps it
        if (uploadFailure != null) {
            throw uploadFailure;
        }
        List<VectorPoint> content = snapshotContents.get(sha256);
        if (content == null) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant answered 400: Checksum mismatch");
        }
        points.put(collection, new ArrayList<>(content));
        CollectionInfo template = collections.containsKey(collection) ? collections.get(collection)
                : collections.values().stream().findFirst().orElse(null);
        collections.put(collection, new CollectionInfo(collection, statusAfterUpload, (long) content.size(),
                template == null ? List.of(new CollectionInfo.VectorParams("", 4, "Cosine")) : template.vectors(),
                template == null ? null : template.config()));
        if (afterUploadFailure != null) {
            throw afterUploadFailure;
        }
    }

    @Override
    public void recoverSnapshot(String collection, String location, String sha256) {
        uploadSnapshot(collection, null, sha256, "recovered.snapshot", bytes -> { });
    }

    @Override
    public void deleteCollection(String collection) {
        reachable();
        calls.add("deleteCollection " + collection);
        collections.remove(collection);
        points.remove(collection);
        aliases.removeIf(a -> a.collectionName().equals(collection));
    }

    @Override
    public void updateAliases(List<AliasAction> actions) {
        reachable();
        calls.add("updateAliases " + actions);
        if (aliasFailures > 0) {
            aliasFailures--;
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant answered 500 for POST /collections/aliases");
        }
        for (AliasAction action : actions) {
            aliases.removeIf(a -> a.aliasName().equals(action.alias()));
            if (!action.delete()) {
                aliases.add(new Alias(action.alias(), action.collection()));
            }
        }
    }
}
