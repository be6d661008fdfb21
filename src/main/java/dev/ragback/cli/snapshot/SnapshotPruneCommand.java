package dev.ragback.cli.snapshot;

import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import dev.ragback.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "prune", description = "Remove all but the N newest complete sets (never the newest golden one) "
        + "and every leftover of an interrupted create; rewrite SHA256SUMS.")
final class SnapshotPruneCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--keep", paramLabel = "N", description = "Complete sets to keep (default: backups.keep).")
    Integer keep;

    @Option(names = "--dry-run", description = "Print what would be removed; change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Do not ask for confirmation (required without a terminal).")
    boolean yes;

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
        SnapshotCatalog.PrunePlan plan = catalog.plan(keeping);
        if (!session.json()) {
            plan.remove().forEach(e -> session.out().println((dryRun ? "would remove " : "remove ") + e.id()
                    + (e.complete() ? "" : " (incomplete)")));
            plan.keep().forEach(e -> session.out().println("keep " + e.id() + (e.manifest().golden() ? " (golden)" : "")));
        }
        if (!dryRun && !plan.remove().isEmpty()) {
            session.confirm(yes, "ragback: remove " + plan.remove().size() + " snapshot set(s)?");
            catalog.prune(plan);
        }
        if (session.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dry_run", dryRun);
            out.put("removed", plan.remove().stream().map(BackupsDir.Entry::id).toList());
            out.put("kept", plan.keep().stream().map(BackupsDir.Entry::id).toList());
            session.printJson(out);
        }
        return ExitCodes.OK;
    }
}
