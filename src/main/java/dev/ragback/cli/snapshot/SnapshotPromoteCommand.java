package dev.ragback.cli.snapshot;

import dev.ragback.app.snapshot.ManifestJson;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "promote", description = "Verify a set, then mark it golden (the default target of a restore).")
final class SnapshotPromoteCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "ID", description = "Set id (see: ragback snapshot list).")
    String id;

    SnapshotPromoteCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        SnapshotVerifier.SetCheck check = session.services().snapshotCatalog().promote(id);
        if (session.json()) {
            session.printJson(ManifestJson.asJson(check.manifest()));
        } else {
            session.out().println("snapshot " + id + " verified and golden since " + check.manifest().goldenAt());
        }
        return ExitCodes.OK;
    }
}
