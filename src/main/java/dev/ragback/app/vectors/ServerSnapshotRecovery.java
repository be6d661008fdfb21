package dev.ragback.app.vectors;

import dev.ragback.app.Names;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Permissions;
import dev.ragback.app.files.TarArchive;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.UploadInDoubt;
import dev.ragback.app.port.VectorStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code qdrant recover}: the runbook's "Snapshot not found" fix made safe. The server-side
 * snapshot is streamed down, its sha256 checked against the server's checksum, and uploaded
 * back with that checksum; so no server path, and no server-side URL download, is needed.
 */
public final class ServerSnapshotRecovery {

    /**
     * What will be recovered.
     *
     * @param collection the real collection whose points are replaced
     * @param snapshot   the server-side snapshot
     */
    public record Plan(String collection, SnapshotInfo snapshot) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final VectorStore store;
    private final Path workDir;

    /** @param workDir where the snapshot is staged while it travels (the backups dir) */
    public ServerSnapshotRecovery(VectorStore store, Path workDir) {
        this.store = store;
        this.workDir = workDir;
    }

    /** Checks everything that can be checked before the download: names, a single node, a key that may upload. */
    public Plan plan(String name, String collectionOrAlias) {
        Names.require("snapshot name", name);
        String collection = new CollectionsOverview(store).resolve(Names.require("collection", collectionOrAlias));
        new QdrantGuard(store).requireSingleNode("qdrant recover");
        store.checkManageAccess();
        List<SnapshotInfo> snapshots = store.snapshots(collection);
        SnapshotInfo snapshot = snapshots.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new RagbackException(RagbackException.Kind.INTEGRITY, "Qdrant has no snapshot '" + name
                        + "' of " + collection + " (it has " + (snapshots.isEmpty() ? "none"
                        : String.join(", ", snapshots.stream().map(SnapshotInfo::name).toList())) + ")",
                        "list them: ragback qdrant snapshots --collection " + collection));
        return new Plan(collection, snapshot);
    }

    /**
     * Recovers the collection; returns the verified digest of what was uploaded. The snapshot's
     * config is compared with the collection's first, as Qdrant would (exit 3 when they differ), and
     * the copy Qdrant keeps of the upload is deleted afterwards.
     */
    public FileDigest recover(Plan plan, Progress progress) {
        Path staging = null;
        try {
            staging = Files.createTempDirectory(Permissions.ownerOnlyDirectory(workDir), ".tmp-recover-");
            Path file = staging.resolve(plan.snapshot().name());
            progress.stage("qdrant", "download " + plan.snapshot().name());
            FileDigest digest = store.downloadSnapshot(plan.collection(), plan.snapshot().name(), file, file.getFileName().toString(),
                    bytes -> progress.bytes("qdrant", bytes));
            String expected = plan.snapshot().checksum();
            if (expected != null && !expected.equalsIgnoreCase(digest.sha256())) {
                throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot " + plan.snapshot().name()
                        + " has sha256 " + digest.sha256() + " but Qdrant's checksum says " + expected,
                        "the server-side file is damaged; recover from a set instead: ragback snapshot restore");
            }
            checkConfig(plan, file);
            progress.stage("qdrant", "upload into " + plan.collection());
            UploadedCopy copy = new UploadedCopy(store, plan.collection(), UploadedCopy.forRecover(plan.snapshot().name()),
                    digest.size());
            try {
                store.uploadSnapshot(plan.collection(), file, digest.sha256(), copy.name(), copy.counting(bytes -> { }));
            } catch (UploadInDoubt e) {
                throw new UploadInDoubt(e.getMessage() + ". ragback did not send it again; look at " + plan.collection()
                        + " (ragback qdrant collections); ragback qdrant prune-snapshots deletes the uploaded copy " + copy.name(), e);
            } catch (RagbackException e) {
                String left = copy.remove();
                throw left == null ? e : new RagbackException(e.kind(), e.getMessage() + "; " + left, e.hint(), e);
            }
            copy.remove(); // a copy that stays is logged as a warning; the recovery itself worked
            return digest;
        } catch (IOException e) {
            throw RagbackException.external("cannot stage the snapshot in " + workDir + ": " + e.getMessage(), null, e);
        } finally {
            deleteQuietly(staging);
        }
    }

    /** Qdrant refuses (400) a snapshot whose VectorParams or shard_number differ from the collection's: say so first. */
    private void checkConfig(Plan plan, Path archive) throws IOException {
        Optional<byte[]> config;
        try {
            config = TarArchive.read(archive, "config.json", 4 << 20);
        } catch (TarArchive.NotATar e) {
            return; // Qdrant will say what is wrong with it
        }
        JsonNode live = store.collection(plan.collection()).map(CollectionInfo::config).orElse(null);
        if (config.isEmpty() || live == null) {
            return;
        }
        List<String> differences = ConfigDiff.of(live, JSON.readTree(config.get()), ConfigDiff.RECOVERY_CHECKED);
        if (!differences.isEmpty()) {
            throw new RagbackException(RagbackException.Kind.GATE, "snapshot " + plan.snapshot().name() + " cannot be recovered"
                    + " into " + plan.collection() + ": Qdrant recovers into an existing collection only when the whole"
                    + " VectorParams and the shard_number are equal, and " + String.join("; ", differences),
                    "nothing was changed; recover from a set instead (ragback snapshot restore), which can use a new collection");
        }
    }

    private static void deleteQuietly(Path staging) {
        if (staging == null) {
            return;
        }
        try (var files = Files.list(staging)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(staging);
        } catch (IOException e) {
            // a leftover temp dir is visible and removed by snapshot prune
        }
    }
}
