package dev.ragback.cli.migrate;

import dev.ragback.app.migrate.MigrationService;
import dev.ragback.app.migrate.MigrationService.VersionStatus;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            session.printJson(json(status));
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

    private static Map<String, Object> json(MigrationService.Status status) {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (VersionStatus v : status.versions()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", v.version());
            row.put("file", v.filePresent());
            row.put("applied", v.applied());
            row.put("applied_at", v.appliedAt() == null ? null : v.appliedAt().toString());
            row.put("dirty", v.dirty());
            row.put("checksum", v.checksum().name().toLowerCase(Locale.ROOT));
            versions.add(row);
        }
        List<Map<String, Object>> dirty = new ArrayList<>();
        for (String version : status.dirty()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", version);
            row.put("clear_sql", MigrationService.clearDirtySql(version));
            dirty.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dir", status.dir().toString());
        out.put("database", status.database());
        out.put("current", status.current().orElse(null));
        out.put("versions", versions);
        out.put("pending", status.pending());
        out.put("dirty", dirty);
        return out;
    }
}
