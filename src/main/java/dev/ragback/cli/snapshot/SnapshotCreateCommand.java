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
import java.util.List;
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
        List<List<String>> rows = List.of(
                List.of("qdrant", manifest.qdrant().collection() + " (" + manifest.qdrant().pointsCount() + " points)",
                        Sizes.human(manifest.qdrantBytes()), Durations.human(Duration.ofMillis(created.qdrantMillis()))),
                List.of("postgres", manifest.postgres().database() + " (" + manifest.postgres().format() + ")",
                        Sizes.human(manifest.postgresBytes()), Durations.human(Duration.ofMillis(created.postgresMillis()))),
                List.of("probes", manifest.probes().size() + " x top-" + session.config().get(dev.ragback.config.ConfigKeys.SMOKE_K)
                        + " recorded", "", ""));
        int[] width = new int[4];
        rows.forEach(row -> { for (int i = 0; i < 4; i++) { width[i] = Math.max(width[i], row.get(i).length()); } });
        for (List<String> row : rows) {
            session.out().println(String.format("  %-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %-" + width[3] + "s",
                    row.toArray()).stripTrailing());
        }
        return ExitCodes.OK;
    }
}
