package dev.ragback.app.vectors;

import dev.ragback.app.Names;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Permissions;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.VectorStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    private final VectorStore store;
    private final Path workDir;

    /** @param workDir where the snapshot is staged while it travels (the backups dir) */
    public ServerSnapshotRecovery(VectorStore store, Path workDir) {
        this.store = store;
        this.workDir = workDir;
    }

    public Plan plan(String name, String collectionOrAlias) {
        Names.require("snapshot name", name);
        String collection = new CollectionsOverview(store).resolve(Names.require("collection", collectionOrAlias));
        List<SnapshotInfo> snapshots = store.snapshots(collection);
        SnapshotInfo snapshot = snapshots.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new RagbackException(RagbackException.Kind.INTEGRITY, "Qdrant has no snapshot '" + name
                        + "' of " + collection + " (it has " + (snapshots.isEmpty() ? "none"
                        : String.join(", ", snapshots.stream().map(SnapshotInfo::name).toList())) + ")",
                        "list them: ragback qdrant snapshots --collection " + collection));
        return new Plan(collection, snapshot);
    }

    /** Recovers the collection; returns the verified digest of what was uploaded. */
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
            progress.stage("qdrant", "upload into " + plan.collection());
            store.uploadSnapshot(plan.collection(), file, digest.sha256());
            return digest;
        } catch (IOException e) {
            throw RagbackException.external("cannot stage the snapshot in " + workDir + ": " + e.getMessage(), null, e);
        } finally {
            deleteQuietly(staging);
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
