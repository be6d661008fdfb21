package dev.ragback.app.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotConfig;
import dev.ragback.app.vectors.ConfigDiff;
import dev.ragback.app.vectors.QdrantGuard;
import dev.ragback.app.vectors.QdrantVersion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Qdrant half of a restore plan, checked the way the server checks it, before anything
 * changes (SPEC sections 5 and 13): a single node, a key that may upload, a version that can
 * read the set, and, in place, the same VectorParams and shard_number. Says what the plan must
 * show: the notes, and the disk the Qdrant host needs.
 */
final class QdrantPreflight {
    /** Spooled upload, the file Qdrant keeps until ragback deletes it, the unpacked copy: about 3x. */
    static final int PEAK_DISK_FACTOR = 3;

    /** What the plan shows: {@code notes} (each a line; warnings start with "warning: ") and the peak disk. */
    record Findings(List<String> notes, long peakDiskBytes) {
    }

    private final VectorStore vectors;
    private final boolean nodesConfigured;

    QdrantPreflight(VectorStore vectors, boolean nodesConfigured) {
        this.vectors = vectors;
        this.nodesConfigured = nodesConfigured;
    }

    Findings check(Manifest manifest, Path setDir, String target, boolean inPlace) {
        boolean cluster = new QdrantGuard(vectors, nodesConfigured).requireWorkable("a restore").mode() == ClusterStatus.Mode.CLUSTER;
        if (manifest.sharded() || cluster) {
            ShardedSetRules.check(manifest, cluster, target, inPlace);
        } else {
            QdrantGuard.requireSingleNodeSet(manifest.id(), manifest.qdrant().cluster(), "a restore");
        }
        vectors.checkManageAccess();
        List<String> notes = new ArrayList<>();
        versions(manifest, notes);
        if (inPlace) {
            inPlace(manifest, setDir, target, notes);
        }
        return new Findings(List.copyOf(notes), PEAK_DISK_FACTOR * manifest.qdrant().size());
    }

    private void versions(Manifest manifest, List<String> notes) {
        String live = vectors.serverVersion();
        String recorded = manifest.qdrant().serverVersion();
        QdrantVersion liveVersion;
        QdrantVersion setVersion;
        try {
            liveVersion = QdrantVersion.parse(live);
            setVersion = QdrantVersion.parse(recorded);
        } catch (IllegalArgumentException e) {
            notes.add("warning: the set's Qdrant version is unknown ('" + recorded + "'); Qdrant restores a snapshot on the"
                    + " same or the next minor version only");
            return;
        }
        int minors = liveVersion.minorsAfter(setVersion);
        if (minors < 0) {
            throw new RagbackException(RagbackException.Kind.GATE, "set " + manifest.id() + " was made by Qdrant " + recorded
                    + ", newer than the live Qdrant " + live + ": Qdrant does not restore a snapshot from a newer version",
                    "nothing was changed; upgrade Qdrant to " + setVersion.major() + "." + setVersion.minor()
                            + " or newer, or pick a set made by this version: ragback snapshot list");
        }
        if (minors > 1) {
            notes.add("warning: the set was made by Qdrant " + recorded + ", " + minors + " minor versions before the live "
                    + live + "; Qdrant restores a snapshot on the same or the next minor version only, so it may refuse it");
        }
    }

    private void inPlace(Manifest manifest, Path setDir, String target, List<String> notes) {
        Optional<CollectionInfo> live = vectors.collection(target);
        if (live.isEmpty()) {
            notes.add("in place: " + target + " does not exist; Qdrant creates it with the snapshot's config");
            return;
        }
        Optional<JsonNode> snapshot = SnapshotConfig.of(manifest, setDir);
        if (snapshot.isEmpty() || live.get().config() == null) {
            notes.add("warning: in place: the snapshot's config cannot be compared with " + target + "'s; Qdrant refuses"
                    + " the snapshot if its VectorParams or shard_number differ");
            return;
        }
        List<String> differences = ConfigDiff.of(live.get().config(), snapshot.get(), ConfigDiff.RECOVERY_CHECKED);
        if (!differences.isEmpty()) {
            throw new RagbackException(RagbackException.Kind.GATE, "an in-place restore of " + target + " is impossible:"
                    + " Qdrant recovers a snapshot into an existing collection only when the whole VectorParams and the"
                    + " shard_number are equal, and " + String.join("; ", differences)
                    + " (qdrant.collection is a collection, not an alias, so no new collection can take its place)",
                    "nothing was changed; make qdrant.collection an alias (a restore then uploads into a new collection and"
                            + " switches the alias), or delete " + target + " so that the restore creates it from the snapshot");
        }
        notes.add("in place: VectorParams and shard_number equal " + target + "'s, as Qdrant requires; " + target
                + " keeps its own hnsw, optimizer and quantization settings (verify reports differences)");
    }
}
