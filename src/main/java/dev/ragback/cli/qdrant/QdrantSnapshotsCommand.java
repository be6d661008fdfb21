package dev.ragback.cli.qdrant;

import dev.ragback.app.Names;
import dev.ragback.app.Sizes;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.vectors.UploadedCopy;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import dev.ragback.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "snapshots", description = "Server-side snapshots of a collection: name, size, checksum; marks the "
        + "files ragback uploaded and left behind (ragback qdrant prune-snapshots deletes them).")
final class QdrantSnapshotsCommand implements Callable<Integer> {
    static final String LEFT_BY_RAGBACK = "left by ragback: a copy of an upload, taking disk on the Qdrant host;"
            + " delete it: ragback qdrant prune-snapshots --yes";
    private final Session session;

    @Option(names = "--collection", paramLabel = "C", description = "Collection or alias (default: qdrant.collection).")
    String collection;

    QdrantSnapshotsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        String name = Names.require("collection", collection == null ? session.config().get(ConfigKeys.QDRANT_COLLECTION) : collection);
        List<SnapshotInfo> snapshots = session.services().collectionsOverview().snapshots(name);
        if (session.json()) {
            session.printJson(snapshots.stream().map(SnapshotRow::of).toList());
            return ExitCodes.OK;
        }
        session.out().printf("%-60s %10s  %-20s %s%n", "NAME", "SIZE", "CREATED", "CHECKSUM (sha256)");
        for (SnapshotInfo snapshot : snapshots) {
            session.out().printf("%-60s %10s  %-20s %s%n", snapshot.name(), Sizes.human(snapshot.size()),
                    snapshot.creationTime() == null ? "-" : snapshot.creationTime(),
                    snapshot.checksum() == null ? "-" : snapshot.checksum());
            if (UploadedCopy.leftByRagback(snapshot.name())) {
                session.out().println("    " + LEFT_BY_RAGBACK);
            }
        }
        if (snapshots.isEmpty()) {
            session.out().println("(no server-side snapshots of " + name + ")");
        }
        return ExitCodes.OK;
    }

    /** One server-side snapshot in {@code --json}; {@code left_by_ragback}: an upload ragback did not get to delete. */
    record SnapshotRow(String name, long size, String creationTime, String checksum, boolean leftByRagback) {
        static SnapshotRow of(SnapshotInfo snapshot) {
            return new SnapshotRow(snapshot.name(), snapshot.size(), snapshot.creationTime(), snapshot.checksum(),
                    UploadedCopy.leftByRagback(snapshot.name()));
        }
    }
}
