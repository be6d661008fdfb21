package dev.ragback.cli.qdrant;

import dev.ragback.app.Sizes;
import dev.ragback.app.vectors.CollectionsOverview;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "prune-snapshots", description = "Delete the snapshot files ragback uploaded and left on the Qdrant host "
        + "(names starting with ragback-, in every collection), e.g. after a restore that could not clean up. "
        + "Other server-side snapshots are not touched.")
final class QdrantPruneSnapshotsCommand implements Callable<Integer> {
    private final Session session;

    @Mixin
    ConfirmOptions.DryRun confirm;

    QdrantPruneSnapshotsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CollectionsOverview overview = session.services().collectionsOverview();
        List<CollectionsOverview.Leftover> left = overview.leftovers();
        long bytes = left.stream().mapToLong(l -> l.snapshot().size()).sum();
        var text = confirm.printPlan("delete " + left.size() + " snapshot file(s) left by ragback (" + Sizes.human(bytes) + ")");
        left.forEach(l -> text.println("  " + l.collection() + "/" + l.snapshot().name() + "  " + Sizes.human(l.snapshot().size())));
        boolean delete = !left.isEmpty() && confirm.proceed("ragback: delete these " + left.size() + " file(s) from the Qdrant host?");
        if (delete) {
            overview.delete(left);
        }
        if (session.json()) {
            session.printJson(new Pruned(left.stream().map(l -> l.collection() + "/" + l.snapshot().name()).toList(), bytes, delete));
        } else if (delete) {
            session.out().println("deleted " + left.size() + " file(s), " + Sizes.human(bytes) + " freed on the Qdrant host");
        }
        return ExitCodes.OK;
    }

    /** {@code --json}: the files left by ragback (collection/name), their bytes, and whether they were deleted. */
    record Pruned(List<String> files, long bytes, boolean deleted) {
    }
}
