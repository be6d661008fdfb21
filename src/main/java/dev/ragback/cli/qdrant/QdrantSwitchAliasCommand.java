package dev.ragback.cli.qdrant;

import dev.ragback.app.vectors.AliasSwitch;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "switch-alias", description = "Point an alias at a collection in one atomic alias action (journaled). "
        + "It finishes a restore whose alias switch failed after PostgreSQL committed, as the restore's message says.")
final class QdrantSwitchAliasCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(index = "0", paramLabel = "ALIAS", description = "The alias, e.g. rag_main.")
    String alias;

    @Parameters(index = "1", paramLabel = "COLLECTION", description = "The collection it will point at (it must exist).")
    String collection;

    @Mixin
    ConfirmOptions.Yes confirm;

    QdrantSwitchAliasCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        AliasSwitch aliases = new AliasSwitch(session.services().vectorStore());
        String from = aliases.current(java.util.List.of(alias)).get(alias);
        confirm.confirm("ragback: point alias " + alias + " at " + collection + (from == null ? "" : " (now on " + from + ")") + "?");
        AliasSwitch.Switched switched = aliases.switchRecorded(alias, collection, session.services().auditLog(),
                session.services().operator(), session::warn);
        if (session.json()) {
            session.printJson(new Switched(switched.alias(), switched.from(), switched.to()));
        } else {
            session.out().println("alias " + switched.alias() + " -> " + switched.to()
                    + (switched.from() == null ? "" : " (was " + switched.from() + ", kept)"));
        }
        return ExitCodes.OK;
    }

    /** {@code --json}: the alias, the collection it was on ({@code null}: a new alias) and the one it is on now. */
    record Switched(String alias, String from, String to) {
    }
}
