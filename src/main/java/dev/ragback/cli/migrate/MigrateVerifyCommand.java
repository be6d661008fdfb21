package dev.ragback.cli.migrate;

import dev.ragback.app.RagbackException;
import dev.ragback.app.migrate.MigrationVerifier;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "verify", description = "Check that every version has a non-empty up.sql and down.sql and that applied "
        + "checksums match the files, then round-trip each version on a scratch database (created and dropped): the schema "
        + "after up and down must equal the schema before up. Exit 3 with the schema diff when it does not.")
final class MigrateVerifyCommand implements Callable<Integer> {
    private final Session session;

    MigrateVerifyCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        PrintWriter out = session.out();
        MigrationVerifier.Report report = session.services().migrations().verify(trip -> {
            if (!session.json()) {
                out.println("  " + trip.version() + "  " + (trip.passed() ? "ok: up, down, schema unchanged, up" : "FAILED"));
                out.flush();
            }
        });
        report.warnings().forEach(session::warn);
        if (session.json()) {
            session.printJson(json(report));
        } else {
            render(report, out);
        }
        if (!report.passed()) {
            throw new RagbackException(RagbackException.Kind.GATE, "migrate verify: " + failure(report),
                    "fix the migration named above, then run: ragback migrate verify");
        }
        return ExitCodes.OK;
    }

    private static void render(MigrationVerifier.Report report, PrintWriter out) {
        for (MigrationVerifier.Mismatch mismatch : report.mismatches()) {
            out.println("checksum: " + mismatch.version() + ": " + mismatch.file() + " has sha256 " + mismatch.actual()
                    + " but " + mismatch.recorded() + " was applied");
        }
        MigrationVerifier.RoundTrip failed = report.failedRoundTrip();
        if (failed != null) {
            out.println(failed.version() + ": " + failed.failure());
            failed.diff().forEach(out::println);
        }
        if (report.scratch() != null) {
            out.println("scratch database " + report.scratch() + " dropped");
        }
        out.println(report.passed() ? "verify: " + report.versions().size() + " version(s) passed" : "verify: FAILED");
        out.flush();
    }

    private static String failure(MigrationVerifier.Report report) {
        StringBuilder why = new StringBuilder();
        if (!report.mismatches().isEmpty()) {
            why.append("up.sql changed since it was applied: ")
                    .append(String.join(", ", report.mismatches().stream().map(MigrationVerifier.Mismatch::version).toList()));
        }
        MigrationVerifier.RoundTrip failed = report.failedRoundTrip();
        if (failed != null) {
            why.append(why.length() == 0 ? "" : "; ").append(failed.version()).append(": ").append(failed.failure());
        }
        return why.toString();
    }

    private static Map<String, Object> json(MigrationVerifier.Report report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("passed", report.passed());
        out.put("versions", report.versions());
        out.put("checksum_mismatches", report.mismatches().stream().map(m -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", m.version());
            row.put("file", m.file().toString());
            row.put("recorded_sha256", m.recorded());
            row.put("file_sha256", m.actual());
            return row;
        }).toList());
        out.put("scratch_database", report.scratch());
        out.put("round_trips", report.roundTrips().stream().map(t -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", t.version());
            row.put("passed", t.passed());
            row.put("failure", t.failure());
            row.put("diff", t.diff());
            return row;
        }).toList());
        out.put("warnings", report.warnings());
        return out;
    }
}
