package dev.ragback.app.snapshot;

import dev.ragback.app.Background;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The vector store half of a set: probes, server snapshot, streamed download, server copy deleted. */
final class QdrantCapture {
    private static final Logger LOG = LoggerFactory.getLogger(QdrantCapture.class);
    static final String PART = "qdrant";

    private final VectorStore store;
    private final SnapshotSettings settings;

    QdrantCapture(VectorStore store, SnapshotSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    record Captured(Manifest.QdrantPart part, List<Manifest.Probe> probes) {
    }

    /** What a set records of the collection before its snapshot: the same on a single node and on a cluster. */
    record Subject(String collection, CollectionInfo info, String serverVersion, List<Manifest.AliasEntry> aliases,
                   String vectorName, long points) {
        Manifest.Vectors vectors() {
            return info.vectors().stream().filter(v -> v.name().equals(vectorName == null ? "" : vectorName)).findFirst()
                    .map(v -> new Manifest.Vectors(v.size(), v.distance())).orElse(null);
        }
    }

    static Subject subject(VectorStore store, SnapshotSettings settings, Progress progress) {
        progress.stage(PART, "resolving " + settings.collection());
        String collection = store.resolve(settings.collection()).orElseThrow(() -> RagbackException.external(
                "Qdrant has no collection or alias '" + settings.collection() + "'",
                "check qdrant.collection (QDRANT_COLLECTION); list them: ragback qdrant collections", null));
        CollectionInfo info = store.collection(collection).orElseThrow(() -> RagbackException.external(
                "collection " + collection + " disappeared while it was being snapshotted", null, null));
        List<Manifest.AliasEntry> aliases = store.aliases().stream()
                .filter(a -> a.collectionName().equals(collection))
                .map(a -> new Manifest.AliasEntry(a.aliasName(), a.collectionName()))
                .toList();
        String vectorName = Probes.vectorName(info, settings.vectorName());
        return new Subject(collection, info, store.serverVersion(), aliases, vectorName, store.countPoints(collection));
    }

    Captured capture(SetSink sink, Progress progress) throws java.io.IOException {
        Subject subject = subject(store, settings, progress);
        String collection = subject.collection();
        CollectionInfo info = subject.info();
        String serverVersion = subject.serverVersion();
        List<Manifest.AliasEntry> aliases = subject.aliases();
        String vectorName = subject.vectorName();
        long points = subject.points();
        // the probes are reads: they run while the server builds its snapshot
        CompletableFuture<List<Manifest.Probe>> recording = Background.start("probes",
                () -> Probes.record(store, collection, vectorName, settings.probes(), settings.k()));
        progress.stage(PART, "server snapshot of " + collection);
        SnapshotInfo snapshot = store.createSnapshot(collection);
        List<Manifest.Probe> probes;
        try {
            probes = Background.join(recording);
        } catch (RuntimeException e) {
            deleteQuietly(collection, snapshot.name());
            throw e;
        }
        String file = PART + "/" + collection + ".snapshot";
        boolean downloaded = false;
        try {
            progress.stage(PART, "download");
            FileDigest digest = store.downloadSnapshot(collection, snapshot.name(), sink.file(file), file,
                    bytes -> progress.bytes(PART, bytes));
            checkAgainstServer(snapshot, digest);
            downloaded = true;
            // single node: SnapshotCreator refuses a cluster before anything starts
            Manifest.QdrantPart part = new Manifest.QdrantPart(settings.qdrantUrl(), serverVersion, collection, aliases,
                    snapshot.name(), file, digest.size(), digest.sha256(), snapshot.checksum(), points, vectorName,
                    subject.vectors(), false, info.config(), null);
            return new Captured(part, probes);
        } finally {
            if (settings.deleteServerSnapshot() || !downloaded) {
                deleteQuietly(collection, snapshot.name());
            }
        }
    }

    private static void checkAgainstServer(SnapshotInfo snapshot, FileDigest digest) {
        if (snapshot.checksum() != null && !snapshot.checksum().equalsIgnoreCase(digest.sha256())) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "the downloaded Qdrant snapshot " + snapshot.name()
                    + " has sha256 " + digest.sha256() + " but Qdrant says " + snapshot.checksum(),
                    "the transfer was damaged; run ragback snapshot create again");
        }
        if (snapshot.size() > 0 && snapshot.size() != digest.size()) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "the downloaded Qdrant snapshot " + snapshot.name()
                    + " has " + digest.size() + " bytes but Qdrant says " + snapshot.size(),
                    "the transfer was cut short; run ragback snapshot create again");
        }
    }

    // the set is good without it; a leftover only costs the server disk, so it is a warning
    // also when this half was cancelled: the interrupt would stop the delete call, and leave the copy on the server
    private void deleteQuietly(String collection, String snapshot) {
        boolean interrupted = Thread.interrupted();
        try {
            store.deleteSnapshot(collection, snapshot);
        } catch (RuntimeException e) {
            LOG.warn("could not delete the server-side snapshot {} of {}: {}", snapshot, collection, e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
