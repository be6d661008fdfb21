package dev.ragback.cli.snapshot;

import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import dev.ragback.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "prune", description = "Remove all but the N newest complete sets (never the newest golden one) "
        + "and every leftover of an interrupted create; rewrite SHA256SUMS.")
final class SnapshotPruneCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--keep", paramLabel = "N", description = "Complete sets to keep (default: backups.keep).")
    Integer keep;

    @Mixin
    ConfirmOptions.DryRun confirm;

    @Option(names = "--incomplete-older-than", paramLabel = "DURATION", description = "S3 repository: remove incomplete "
            + "sets, and abort multipart uploads, older than this (default: 24h; a younger one may be a create still running).")
    String incompleteOlderThan;

    SnapshotPruneCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        int keeping = keep == null ? session.config().get(ConfigKeys.BACKUPS_KEEP) : keep;
        if (keeping < 0) {
            throw dev.ragback.app.RagbackException.usage("--keep must be 0 or more, not " + keeping);
        }
        SnapshotCatalog catalog = session.services().snapshotCatalog();
        java.time.Duration grace = incompleteOlderThan == null ? dev.ragback.app.snapshot.ObjectSets.INCOMPLETE_GRACE
                : dev.ragback.config.Parsers.parseDuration("--incomplete-older-than", incompleteOlderThan);
        SnapshotCatalog.PrunePlan plan = catalog.plan(keeping, grace);
        if (!session.json()) {
            plan.remove().forEach(e -> session.out().println((confirm.dryRun() ? "would remove " : "remove ") + e.id()
                    + (e.complete() ? "" : " (incomplete)")));
            plan.keep().forEach(e -> session.out().println("keep " + e.id() + (e.manifest().golden() ? " (golden)" : "")));
        }
        int aborted = 0;
        // with nothing to remove, prune still aborts stale multipart uploads, without asking
        if (plan.remove().isEmpty() ? !confirm.dryRun()
                : confirm.proceed("ragback: remove " + plan.remove().size() + " snapshot set(s)?")) {
            aborted = catalog.prune(plan, grace);
        }
        if (aborted > 0 && !session.json()) {
            session.out().println("aborted " + aborted + " unfinished multipart upload(s)");
        }
        if (session.json()) {
            session.printJson(new Pruned(confirm.dryRun(), plan.remove().stream().map(BackupsDir.Entry::id).toList(), aborted,
                    plan.keep().stream().map(BackupsDir.Entry::id).toList()));
        }
        return ExitCodes.OK;
    }

    record Pruned(boolean dryRun, List<String> removed, int abortedUploads, List<String> kept) {
    }
}
