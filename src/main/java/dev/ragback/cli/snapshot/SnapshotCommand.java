package dev.ragback.cli.snapshot;

import picocli.CommandLine.Command;

@Command(name = "snapshot",
        description = "Verified snapshot sets of both stores: the Qdrant collection and the PostgreSQL dump.",
        subcommands = {SnapshotCreateCommand.class, SnapshotListCommand.class, SnapshotVerifyCommand.class,
            SnapshotPromoteCommand.class, SnapshotRestoreCommand.class, SnapshotPruneCommand.class, SnapshotCopyCommand.class})
public final class SnapshotCommand {
}
