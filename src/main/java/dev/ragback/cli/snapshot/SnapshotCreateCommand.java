package dev.ragback.cli.snapshot;

import dev.ragback.app.Durations;
import dev.ragback.app.Progress;
import dev.ragback.app.Sizes;
import dev.ragback.app.snapshot.ManifestJson;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Interrupts;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "create", description = "Snapshot Qdrant and PostgreSQL together (in parallel) into a verified set "
        + "under backups/. --json prints the manifest.")
final class SnapshotCreateCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--label", paramLabel = "TEXT", description = "Free text kept in the manifest, e.g. 'pre C1'.")
    String label;

    @Option(names = "--golden", description = "Mark the new set golden (the default target of a restore).")
    boolean golden;

    SnapshotCreateCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Progress progress = session.progress();
        SnapshotCreator.Created created;
        try (Interrupts ignored = Interrupts.interrupting(Thread.currentThread(), session)) {
            created = session.services().snapshotCreator().create(label, golden, progress);
        } finally {
            progress.done();
        }
        if (session.json()) {
            session.printJson(ManifestJson.asJson(created.manifest()));
            return ExitCodes.OK;
        }
        var manifest = created.manifest();
        session.out().printf("snapshot %s%s created in %s%n", manifest.id(), manifest.golden() ? " (golden)" : "", created.where());
        session.out().printf("  qdrant    %-28s %10s  %s%n", manifest.qdrant().collection() + " (" + manifest.qdrant().pointsCount()
                + " points)", Sizes.human(manifest.qdrantBytes()), Durations.format(Duration.ofMillis(created.qdrantMillis())));
        session.out().printf("  postgres  %-28s %10s  %s%n", manifest.postgres().database() + " (" + manifest.postgres().format()
                + ")", Sizes.human(manifest.postgresBytes()), Durations.format(Duration.ofMillis(created.postgresMillis())));
        session.out().printf("  probes    %d x top-%d recorded%n", manifest.probes().size(), session.config()
                .get(dev.ragback.config.ConfigKeys.SMOKE_K));
        return ExitCodes.OK;
    }
}
