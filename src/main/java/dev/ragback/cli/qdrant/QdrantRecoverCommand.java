package dev.ragback.cli.qdrant;

import dev.ragback.app.Progress;
import dev.ragback.app.Sizes;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.vectors.ServerSnapshotRecovery;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import dev.ragback.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "recover", description = "Recover a collection from a snapshot that is still on the Qdrant server: "
        + "downloaded, checked against the server's checksum, uploaded back. Replaces the collection's points.")
final class QdrantRecoverCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "NAME", description = "Server-side snapshot name (see: ragback qdrant snapshots).")
    String name;

    @Option(names = "--collection", paramLabel = "C", description = "Collection or alias (default: qdrant.collection).")
    String collection;

    @Mixin
    ConfirmOptions.DryRun confirm;

    QdrantRecoverCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        ServerSnapshotRecovery recovery = session.services().serverSnapshotRecovery();
        ServerSnapshotRecovery.Plan plan = recovery.plan(name,
                collection == null ? session.config().get(ConfigKeys.QDRANT_COLLECTION) : collection);
        String what = "replace the points of " + plan.collection() + " with snapshot " + plan.snapshot().name()
                + " (" + Sizes.human(plan.snapshot().size()) + ")";
        if (!confirm.proceedWithPlan(what)) {
            if (session.json()) {
                session.printJson(new DryRun(plan.collection(), plan.snapshot().name(), true));
            }
            return ExitCodes.OK;
        }
        Progress progress = session.progress();
        FileDigest digest;
        try {
            digest = recovery.recover(plan, progress);
        } finally {
            progress.done();
        }
        if (session.json()) {
            session.printJson(new Recovered(plan.collection(), plan.snapshot().name(), digest.sha256(), digest.size()));
        } else {
            session.out().println("recovered " + plan.collection() + " from " + plan.snapshot().name() + " (sha256 "
                    + digest.sha256() + " verified)");
        }
        return ExitCodes.OK;
    }

    /** {@code --json} of a dry run: what would be recovered, nothing changed. */
    record DryRun(String collection, String snapshot, boolean dryRun) {
    }

    /** {@code --json} of a recovery: the snapshot's sha256 and size, as downloaded and checked against the server's checksum. */
    record Recovered(String collection, String snapshot, String sha256, long size) {
    }
}
