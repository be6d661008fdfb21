package dev.ragback.cli.qdrant;

import dev.ragback.app.vectors.CollectionDrop;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "drop", description = "Delete a collection no alias points at, e.g. the one a restore kept so it could be undone.")
final class QdrantDropCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "COLLECTION", description = "The collection (not an alias; see: ragback qdrant collections).")
    String collection;

    @Mixin
    ConfirmOptions.DryRun confirm;

    QdrantDropCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CollectionDrop drop = session.services().collectionDrop();
        CollectionDrop.Plan plan = drop.plan(collection);
        String what = "delete collection " + plan.collection() + " and its " + plan.points() + " points";
        boolean dropped = confirm.proceedWithPlan(what);
        if (dropped) {
            drop.drop(plan, session::warn);
        }
        if (session.json()) {
            session.printJson(new Dropped(plan.collection(), plan.points(), dropped));
        } else if (dropped) {
            session.out().println("dropped " + plan.collection());
        }
        return ExitCodes.OK;
    }

    /** {@code --json}: the collection, its points, and whether it was dropped (not on --dry-run or a "no"). */
    record Dropped(String collection, Long points, boolean dropped) {
    }
}
