package dev.ragback.cli.migrate;

import dev.ragback.app.migrate.MigrationService;
import dev.ragback.app.migrate.MigrationService.VersionStatus;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Every version: file present, applied (when), dirty, checksum of up.sql against "
        + "the one applied; the current version; how to clear a dirty row.")
final class MigrateStatusCommand implements Callable<Integer> {
    private final Session session;

    MigrateStatusCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        MigrationService.Status status = session.services().migrations().status();
        if (session.json()) {
            session.printJson(MigrationStatus.of(status));
        } else {
            render(status);
        }
        for (VersionStatus version : status.versions()) {
            if (version.checksum() == MigrationService.Checksum.MISMATCH) {
                session.warn(version.version() + ": up.sql changed since it was applied (sha256 differs); "
                        + "see: ragback migrate verify");
            }
        }
        return ExitCodes.OK;
    }

    private void render(MigrationService.Status status) {
        PrintWriter out = session.out();
        out.println("migrations: " + status.dir() + "   database: " + status.database());
        if (status.versions().isEmpty()) {
            out.println("no migrations");
        } else {
            out.printf("  %-16s %-5s %-21s %-6s %s%n", "VERSION", "FILE", "APPLIED", "DIRTY", "CHECKSUM");
            for (VersionStatus v : status.versions()) {
                String applied = !v.applied() ? "pending"
                        : v.appliedAt() == null ? "yes" : v.appliedAt().truncatedTo(ChronoUnit.SECONDS).toString();
                out.printf("  %-16s %-5s %-21s %-6s %s%n", v.version(), v.filePresent() ? "yes" : "no", applied,
                        v.dirty() ? "DIRTY" : "-", checksum(v.checksum()));
            }
        }
        out.println("current: " + status.current().orElse("none"));
        for (String version : status.dirty()) {
            out.println();
            out.println("dirty: " + version + ": a migration of it failed and was rolled back; up and down refuse to run.");
            out.println("  Make the schema match the state without " + version + " (after a failed up it already does;");
            out.println("  after a failed down, finish the revert by hand: its SQL is in schema_migrations.down_sql), then run:");
            out.println("    " + MigrationService.clearDirtySql(version));
        }
        out.flush();
    }

    private static String checksum(MigrationService.Checksum checksum) {
        return switch (checksum) {
            case MATCH -> "match";
            case MISMATCH -> "MISMATCH";
            case PENDING -> "-";
            case NO_FILE -> "no file";
        };
    }

    record MigrationStatus(String dir, String database, String current, List<VersionRow> versions, List<String> pending,
                          List<DirtyRow> dirty) {
        static MigrationStatus of(MigrationService.Status status) {
            return new MigrationStatus(status.dir().toString(), status.database(), status.current().orElse(null),
                    status.versions().stream().map(VersionRow::of).toList(), status.pending(),
                    status.dirty().stream().map(v -> new DirtyRow(v, MigrationService.clearDirtySql(v))).toList());
        }
    }

    /** @param file true when its directory is present */
    record VersionRow(String version, boolean file, boolean applied, String appliedAt, boolean dirty, String checksum) {
        static VersionRow of(VersionStatus v) {
            return new VersionRow(v.version(), v.filePresent(), v.applied(), v.appliedAt() == null ? null : v.appliedAt().toString(),
                    v.dirty(), v.checksum().name().toLowerCase(Locale.ROOT));
        }
    }

    /** @param clearSql what clears the dirty row once the schema is right */
    record DirtyRow(String version, String clearSql) {
    }
}
