package dev.ragback.cli.qdrant;

import dev.ragback.app.vectors.CollectionsOverview;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "collections", description = "Collections with status, points and aliases; marks the ones a restore left behind.")
final class QdrantCollectionsCommand implements Callable<Integer> {
    private final Session session;

    QdrantCollectionsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        List<CollectionsOverview.Row> rows = session.services().collectionsOverview().collections();
        if (session.json()) {
            session.printJson(rows.stream().map(CollectionRow::of).toList());
            return ExitCodes.OK;
        }
        session.out().printf("%-32s %-7s %10s  %s%n", "COLLECTION", "STATUS", "POINTS", "ALIASES");
        for (CollectionsOverview.Row row : rows) {
            session.out().printf("%-32s %-7s %10s  %s%n", row.name(), row.status(), row.points() == null ? "-" : row.points(),
                    row.aliases().isEmpty() ? "-" : String.join(", ", row.aliases()));
            if (row.note() != null) {
                session.out().println("    " + row.note());
            }
        }
        return ExitCodes.OK;
    }

    /** One collection in {@code --json}; {@code points_count} is {@code null} when Qdrant did not say. */
    record CollectionRow(String name, String status, Long pointsCount, List<String> aliases, String note) {
        static CollectionRow of(CollectionsOverview.Row row) {
            return new CollectionRow(row.name(), row.status(), row.points(), row.aliases(), row.note());
        }
    }
}
