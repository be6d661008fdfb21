package dev.ragback.cli.migrate;

import dev.ragback.app.migrate.MigrationService;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "down", description = "Revert the applied versions newer than V, newest first, each with the down.sql "
        + "escrowed in schema_migrations when it was applied (not the file), in one transaction with deleting its row.")
final class MigrateDownCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--to", paramLabel = "V", required = true, description = "The version to go back to (it stays applied).")
    String to;

    @Mixin
    ConfirmOptions.DryRun confirm;

    MigrateDownCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        MigrationService migrations = session.services().migrations();
        MigrationService.DownPlan plan = migrations.planDown(to);
        if (!session.json()) {
            String from = plan.from() == null ? "none" : plan.from();
            session.out().println("down: " + from + " -> " + plan.to() + " on " + plan.database());
            for (MigrationService.Revert revert : plan.reverts()) {
                String sql = revert.escrowed() ? "its escrowed down.sql" : revert.source();
                session.out().println("  revert " + revert.version() + " with " + sql + " (" + revert.statements() + " statements)");
            }
            session.out().flush();
        }
        plan.warnings().forEach(session::warn);
        if (plan.reverts().isEmpty()) {
            finish(plan, List.of(), false, "nothing to revert: no applied version is newer than " + plan.to());
            return ExitCodes.OK;
        }
        if (!confirm.proceed("Revert " + plan.reverts().size() + " migration(s) on " + plan.database() + " down to "
                + plan.to() + "?")) {
            finish(plan, List.of(), false, "dry run: nothing changed");
            return ExitCodes.OK;
        }
        List<MigrationService.Step> reverted = migrations.down(plan, step -> {
            if (!session.json()) {
                session.out().println("reverted " + step.version() + " (" + dev.ragback.app.Durations.human(step.took()) + ")");
                session.out().flush();
            }
        });
        finish(plan, reverted, true, "schema is at " + plan.to());
        return ExitCodes.OK;
    }

    private void finish(MigrationService.DownPlan plan, List<MigrationService.Step> reverted, boolean changed, String line) {
        if (session.json()) {
            session.printJson(new Down(plan.database(), plan.from(), plan.to(),
                    plan.reverts().stream().map(r -> new RevertRow(r.version(), r.escrowed())).toList(), confirm.dryRun(), changed,
                    reverted.stream().map(MigrateUpCommand.StepRow::of).toList(), plan.warnings()));
        } else {
            session.out().println(line);
        }
    }

    record Down(String database, String from, String to, List<RevertRow> plan, boolean dryRun, boolean changed,
                List<MigrateUpCommand.StepRow> reverted, List<String> warnings) {
    }

    /** @param escrowed true when its down.sql comes from schema_migrations, not the file */
    record RevertRow(String version, boolean escrowed) {
    }
}
