package dev.ragback.app.migrate;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AppliedMigrations.Applied;
import dev.ragback.app.port.SchemaMigrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code migrate verify}: applied checksums against the files, then a round trip on a scratch
 * database that it creates and always drops. For each version in order: schema dump, up, down,
 * schema dump (the two must be equal), then up again so the next version starts from there.
 */
public final class MigrationVerifier {
    static final String SCRATCH_PREFIX = "ragback_verify_";

    private final MigrationDir dir;
    private final SchemaMigrator live;
    private final Supplier<String> scratchSuffix;

    /**
     * An applied version whose up.sql is not the one that ran.
     *
     * @param version  e.g. {@code v1.0.0}
     * @param file     its up.sql
     * @param recorded up_sha256 in schema_migrations
     * @param actual   sha256 of the file now
     */
    public record Mismatch(String version, Path file, String recorded, String actual) {
    }

    /**
     * One version's round trip on the scratch database.
     *
     * @param version e.g. {@code v1.1.0}
     * @param failure null when it passed; else what failed
     * @param diff    the schema diff (before up against after up and down) when they differ, else empty
     */
    public record RoundTrip(String version, String failure, List<String> diff) {
        public boolean passed() {
            return failure == null;
        }
    }

    /**
     * @param versions   every version of the directory, oldest first
     * @param mismatches applied versions whose up.sql changed
     * @param scratch    the scratch database's name (null when there was nothing to round-trip)
     * @param roundTrips one per version tried; stops at the first failure
     * @param warnings   what the user should know; not failures
     */
    public record Report(List<String> versions, List<Mismatch> mismatches, String scratch, List<RoundTrip> roundTrips,
                         List<String> warnings) {
        public boolean passed() {
            return mismatches.isEmpty() && roundTrips.size() == versions.size()
                    && roundTrips.stream().allMatch(RoundTrip::passed);
        }

        /** The first failing round trip, or null. */
        public RoundTrip failedRoundTrip() {
            return roundTrips.stream().filter(r -> !r.passed()).findFirst().orElse(null);
        }
    }

    MigrationVerifier(MigrationDir dir, SchemaMigrator live, Supplier<String> scratchSuffix) {
        this.dir = dir;
        this.live = live;
        this.scratchSuffix = scratchSuffix;
    }

    Report verify(Consumer<RoundTrip> listener) {
        List<String> warnings = new ArrayList<>();
        List<Mismatch> mismatches = checksums(live.applied(), warnings);
        List<String> versions = dir.migrations().stream().map(MigrationDir.Migration::version).toList();
        if (versions.isEmpty()) {
            warnings.add("no migrations in " + dir.path());
            return new Report(versions, mismatches, null, List.of(), List.copyOf(warnings));
        }
        String scratchName = SCRATCH_PREFIX + scratchSuffix.get();
        SchemaMigrator scratch = live.createScratch(scratchName);
        List<RoundTrip> roundTrips = new ArrayList<>();
        try {
            for (MigrationDir.Migration migration : dir.migrations()) {
                RoundTrip trip = roundTrip(scratch, migration);
                roundTrips.add(trip);
                listener.accept(trip);
                if (!trip.passed()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            String dropProblem = drop(scratchName);
            if (dropProblem != null && e instanceof RagbackException failure) {
                throw new RagbackException(failure.kind(), failure.getMessage() + "; and the scratch database " + scratchName
                        + " could not be dropped: " + dropProblem, "drop it by hand: DROP DATABASE " + scratchName + ";"
                        + (failure.hint() == null ? "" : " then: " + failure.hint()), e);
            }
            throw e;
        }
        String dropProblem = drop(scratchName);
        if (dropProblem != null) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "migrate verify: cannot drop the scratch database "
                    + scratchName + ": " + dropProblem, "drop it by hand: DROP DATABASE " + scratchName + ";");
        }
        return new Report(versions, mismatches, scratchName, List.copyOf(roundTrips), List.copyOf(warnings));
    }

    private List<Mismatch> checksums(List<Applied> rows, List<String> warnings) {
        List<Mismatch> mismatches = new ArrayList<>();
        for (Applied row : rows) {
            var file = dir.find(row.version());
            if (file.isEmpty()) {
                warnings.add(row.version() + " is applied but " + dir.path() + " does not ship it");
                continue;
            }
            if (row.dirty()) {
                warnings.add(row.version() + " is dirty in schema_migrations; see: ragback migrate status");
            }
            if (!file.get().upSha256().equals(row.upSha256())) {
                mismatches.add(new Mismatch(row.version(), file.get().upFile(), row.upSha256(), file.get().upSha256()));
            }
            if (row.downSha256() != null && !row.downSha256().equals(file.get().downSha256())) {
                warnings.add(file.get().downFile() + " differs from the down.sql escrowed when " + row.version()
                        + " was applied; migrate down runs the escrowed one");
            }
        }
        return mismatches;
    }

    private static RoundTrip roundTrip(SchemaMigrator scratch, MigrationDir.Migration migration) {
        String version = migration.version();
        List<String> before = SchemaDiff.normalise(scratch.schemaDump());
        String failure = step(() -> scratch.apply(migration.forMigrator()), migration.upFile());
        if (failure != null) {
            return new RoundTrip(version, failure, List.of());
        }
        failure = step(() -> scratch.revert(version, migration.downSql()), migration.downFile());
        if (failure != null) {
            return new RoundTrip(version, failure, List.of());
        }
        List<String> after = SchemaDiff.normalise(scratch.schemaDump());
        List<String> diff = SchemaDiff.unified(before, after, "schema before " + version + " up",
                "schema after " + version + " up and down");
        if (!diff.isEmpty()) {
            return new RoundTrip(version, migration.downFile() + " does not undo " + migration.upFile()
                    + ": the schema differs after up and down", diff);
        }
        failure = step(() -> scratch.apply(migration.forMigrator()), migration.upFile());
        return new RoundTrip(version, failure == null ? null : "second up: " + failure, List.of());
    }

    /** Runs one migration step; a failing statement becomes the round trip's failure, anything else propagates. */
    private static String step(Runnable action, Path file) {
        try {
            action.run();
            return null;
        } catch (SchemaMigrator.StatementFailed failure) {
            return file + " line " + failure.line() + " failed: " + failure.detail() + "; statement: "
                    + new SqlScript.Statement(0, failure.line(), failure.statement()).oneLine(160);
        }
    }

    /** Drops the scratch database; what went wrong, or null. */
    private String drop(String scratchName) {
        try {
            live.dropScratch(scratchName);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
