package dev.ragback.cli.qdrant;

import picocli.CommandLine.Command;

@Command(name = "qdrant", description = "Look at the Qdrant side directly (troubleshooting, runbook section 10).",
        subcommands = {QdrantCollectionsCommand.class, QdrantSnapshotsCommand.class, QdrantRecoverCommand.class,
                QdrantDropCommand.class, QdrantPruneSnapshotsCommand.class, QdrantSwitchAliasCommand.class,
                QdrantShardsCommand.class})
public final class QdrantCommand {
}
