package dev.ragback.cli.migrate;

import dev.ragback.app.migrate.MigrationService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "up", description = "Apply the pending versions in order, each in one transaction with its schema_migrations "
        + "row (which escrows its down.sql). A failing statement rolls its version back and marks it dirty (exit 1).")
final class MigrateUpCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--to", paramLabel = "V", description = "Stop after this version (default: all pending).")
    String to;

    MigrateUpCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        MigrationService.UpResult result = session.services().migrations().up(to, step -> {
            if (!session.json()) {
                session.out().println("applied " + step.version() + " at " + step.at().truncatedTo(ChronoUnit.SECONDS)
                        + " (" + dev.ragback.app.Durations.human(step.took()) + ")");
                session.out().flush();
            }
        });
        result.warnings().forEach(session::warn);
        if (session.json()) {
            session.printJson(new Applied(result.applied().stream().map(StepRow::of).toList(), result.current().orElse(null),
                    result.warnings()));
        } else {
            String current = result.current().orElse("none");
            session.out().println((result.applied().isEmpty() ? "nothing to apply; " : "") + "schema is at " + current);
        }
        return ExitCodes.OK;
    }

    record Applied(List<StepRow> applied, String current, List<String> warnings) {
    }

    /** One version applied or reverted. */
    record StepRow(String version, String at, long durationMs) {
        static StepRow of(MigrationService.Step step) {
            return new StepRow(step.version(), step.at().toString(), step.took().toMillis());
        }
    }
}
