package dev.ragback.cli.migrate;

import dev.ragback.app.RagbackException;
import dev.ragback.app.migrate.MigrationVerifier;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
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
            session.printJson(Verification.of(report));
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

    record Verification(boolean passed, List<String> versions, List<MismatchRow> checksumMismatches, String scratchDatabase,
                        List<RoundTripRow> roundTrips, List<String> warnings) {
        static Verification of(MigrationVerifier.Report report) {
            return new Verification(report.passed(), report.versions(),
                    report.mismatches().stream().map(m -> new MismatchRow(m.version(), m.file().toString(), m.recorded(), m.actual())).toList(),
                    report.scratch(), report.roundTrips().stream().map(t -> new RoundTripRow(t.version(), t.passed(), t.failure(), t.diff())).toList(),
                    report.warnings());
        }
    }

    record MismatchRow(String version, String file, String recordedSha256, String fileSha256) {
    }

    record RoundTripRow(String version, boolean passed, String failure, List<String> diff) {
    }
}
