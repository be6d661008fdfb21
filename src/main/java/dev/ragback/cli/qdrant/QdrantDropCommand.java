package dev.ragback.cli.qdrant;

import dev.ragback.app.vectors.CollectionDrop;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "drop", description = "Delete a collection no alias points at, e.g. the one a restore kept so it could be undone.")
final class QdrantDropCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "COLLECTION", description = "The collection (not an alias; see: ragback qdrant collections).")
    String collection;

    @Option(names = "--dry-run", description = "Print what would happen; change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Do not ask for confirmation (required without a terminal).")
    boolean yes;

    QdrantDropCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CollectionDrop drop = session.services().collectionDrop();
        CollectionDrop.Plan plan = drop.plan(collection);
        String what = "delete collection " + plan.collection() + " and its " + plan.points() + " points";
        (session.json() ? session.err() : session.out()).println("Plan" + (dryRun ? " (dry run)" : "") + ": " + what);
        if (!dryRun) {
            session.confirm(yes, "ragback: " + what + "?");
            drop.drop(plan, session::warn);
        }
        if (session.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("collection", plan.collection());
            out.put("points", plan.points());
            out.put("dropped", !dryRun);
            session.printJson(out);
        } else if (!dryRun) {
            session.out().println("dropped " + plan.collection());
        }
        return ExitCodes.OK;
    }
}
