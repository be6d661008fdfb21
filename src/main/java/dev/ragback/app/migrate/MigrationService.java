package dev.ragback.app.migrate;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.AppliedMigrations.Applied;
import dev.ragback.app.port.SchemaMigrator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code migrate status | up | down | verify}: the migrations directory against the
 * {@code schema_migrations} rows of the database. A dirty row (a migration that failed) stops
 * {@code up} and {@code down} until a person clears it ({@link #clearDirtySql}).
 */
public final class MigrationService {
    private final Path dirPath;
    private final SchemaMigrator migrator;
    private final Supplier<String> scratchSuffix;

    /** How an applied version's recorded up_sha256 compares with its up.sql. */
    public enum Checksum { MATCH, MISMATCH, PENDING, NO_FILE }

    /**
     * One version, from the directory, the table, or both.
     *
     * @param version     e.g. {@code v1.1.0}
     * @param filePresent the directory has it
     * @param applied     it has a row in schema_migrations (clean or dirty)
     * @param appliedAt   when its row was written (for a dirty row: when it failed); null when pending
     * @param dirty       its last migration failed
     * @param checksum    recorded up_sha256 against the file
     */
    public record VersionStatus(String version, boolean filePresent, boolean applied, Instant appliedAt, boolean dirty,
                                Checksum checksum) {
    }

    /**
     * @param dir      the migrations directory
     * @param database where the rows were read
     * @param versions every version, oldest first
     * @param current  the newest applied version that is not dirty
     * @param dirty    versions with a dirty row
     * @param pending  versions in the directory without a row
     */
    public record Status(Path dir, String database, List<VersionStatus> versions, Optional<String> current,
                         List<String> dirty, List<String> pending) {
    }

    /** A version {@code up} applied (or {@code down} reverted), when, and how long it took. */
    public record Step(String version, Instant at, Duration took) {
    }

    /** What {@code up} did. */
    public record UpResult(List<Step> applied, Optional<String> current, List<String> warnings) {
    }

    /**
     * One version {@code down} reverts.
     *
     * @param version  e.g. {@code v1.1.0}
     * @param downSql  the SQL that will run: the escrowed down.sql (the file only when nothing was escrowed)
     * @param escrowed true when {@code downSql} comes from schema_migrations
     * @param source   where {@code downSql} comes from, for messages
     */
    public record Revert(String version, String downSql, boolean escrowed, String source) {
        public int statements() {
            return SqlScript.split(downSql).size();
        }
    }

    /**
     * What {@code down --to V} will do.
     *
     * @param database where
     * @param from     the current version (null when none)
     * @param to       the version that stays
     * @param reverts  newest first
     * @param warnings what the user should know before confirming
     */
    public record DownPlan(String database, String from, String to, List<Revert> reverts, List<String> warnings) {
    }

    public MigrationService(Path dir, SchemaMigrator migrator, Supplier<String> scratchSuffix) {
        this.dirPath = dir;
        this.migrator = migrator;
        this.scratchSuffix = scratchSuffix;
    }

    /** The one statement that clears a dirty row once the schema is back to the state without {@code version}. */
    public static String clearDirtySql(String version) {
        return "DELETE FROM schema_migrations WHERE version = '" + version.replace("'", "''") + "' AND dirty;";
    }

    public Status status() {
        MigrationDir dir = MigrationDir.read(dirPath);
        List<Applied> rows = migrator.applied();
        Map<String, VersionStatus> byVersion = new LinkedHashMap<>();
        for (MigrationDir.Migration m : dir.migrations()) {
            byVersion.put(m.version(), new VersionStatus(m.version(), true, false, null, false, Checksum.PENDING));
        }
        for (Applied row : rows) {
            Optional<MigrationDir.Migration> file = dir.find(row.version());
            Checksum checksum = file.isEmpty() ? Checksum.NO_FILE
                    : file.get().upSha256().equals(row.upSha256()) ? Checksum.MATCH : Checksum.MISMATCH;
            byVersion.put(row.version(),
                    new VersionStatus(row.version(), file.isPresent(), true, row.appliedAt(), row.dirty(), checksum));
        }
        List<VersionStatus> versions = byVersion.values().stream()
                .sorted(Comparator.comparing(VersionStatus::version, Versions.SEMANTIC)).toList();
        List<String> dirty = rows.stream().filter(Applied::dirty).map(Applied::version).toList();
        List<String> pending = versions.stream().filter(v -> !v.applied()).map(VersionStatus::version).toList();
        return new Status(dir.path(), migrator.describe(), versions, currentOf(rows), dirty, pending);
    }

    /**
     * Applies the pending versions up to and including {@code to} (all when null), oldest first,
     * telling {@code listener} after each.
     */
    public UpResult up(String to, Consumer<Step> listener) {
        MigrationDir dir = MigrationDir.read(dirPath);
        if (to != null) {
            requireVersion(to);
            if (dir.find(to).isEmpty()) {
                List<String> shipped = dir.migrations().stream().map(MigrationDir.Migration::version).toList();
                throw new RagbackException(RagbackException.Kind.USAGE, "migrate up --to " + to + ": no such version in "
                        + dirPath, "versions there: " + versionList(shipped));
            }
        }
        List<Applied> rows = migrator.applied();
        refuseWhenDirty(rows, "up");
        List<String> warnings = new ArrayList<>(changedFiles(dir, rows));
        String newest = rows.isEmpty() ? null : rows.get(rows.size() - 1).version();
        List<MigrationDir.Migration> pending = dir.migrations().stream()
                .filter(m -> rows.stream().noneMatch(r -> r.version().equals(m.version())))
                .filter(m -> to == null || Versions.SEMANTIC.compare(m.version(), to) <= 0)
                .toList();
        for (MigrationDir.Migration m : pending) {
            if (newest != null && Versions.SEMANTIC.compare(m.version(), newest) < 0) {
                throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "migrate up: " + m.version()
                        + " is not applied but older than the applied " + newest + "; migrations apply in order only",
                        "give it a version newer than " + newest + ", or revert first: ragback migrate down --to <older>");
            }
        }
        if (to != null && newest != null && Versions.SEMANTIC.compare(to, newest) < 0) {
            warnings.add(to + " is older than the applied " + newest + "; up reverts nothing (see: ragback migrate down --to "
                    + to + ")");
        }
        List<Step> applied = new ArrayList<>();
        for (MigrationDir.Migration m : pending) {
            long started = System.nanoTime();
            Instant at;
            try {
                at = migrator.apply(m.forMigrator());
            } catch (SchemaMigrator.StatementFailed failure) {
                throw failed("migrate up", m.upFile().toString(), m.version(), failure, m.version() + " is not applied",
                        "fix " + m.upFile() + ", then run: " + clearDirtySql(m.version()) + " and ragback migrate up again");
            }
            Step step = new Step(m.version(), at, Duration.ofNanos(System.nanoTime() - started));
            applied.add(step);
            listener.accept(step);
        }
        Optional<String> current = applied.isEmpty() ? currentOf(rows) : Optional.of(applied.get(applied.size() - 1).version());
        return new UpResult(List.copyOf(applied), current, List.copyOf(warnings));
    }

    /** What {@code down --to to} would revert (newest first, each with its escrowed down.sql); changes nothing. */
    public DownPlan planDown(String to) {
        requireVersion(to);
        List<String> warnings = new ArrayList<>();
        Optional<MigrationDir> dir = Optional.empty();
        if (Files.exists(dirPath)) {
            dir = Optional.of(MigrationDir.read(dirPath));
        } else {
            warnings.add("migrations.dir " + dirPath + " does not exist; reverting with the escrowed down.sql only");
        }
        List<Applied> rows = migrator.applied();
        refuseWhenDirty(rows, "down");
        boolean known = rows.stream().anyMatch(r -> r.version().equals(to)) || dir.flatMap(d -> d.find(to)).isPresent();
        if (!known) {
            List<String> applied = rows.stream().map(Applied::version).toList();
            throw new RagbackException(RagbackException.Kind.USAGE, "migrate down --to " + to
                    + ": not an applied or shipped version", "applied: " + versionList(applied));
        }
        List<Revert> reverts = new ArrayList<>();
        List<Applied> newer = rows.stream().filter(r -> Versions.SEMANTIC.compare(r.version(), to) > 0)
                .sorted(Comparator.comparing(Applied::version, Versions.SEMANTIC).reversed()).toList();
        for (Applied row : newer) {
            reverts.add(revertOf(row, dir.flatMap(d -> d.find(row.version())), warnings));
        }
        String from = currentOf(rows).orElse(null);
        return new DownPlan(migrator.describe(), from, to, List.copyOf(reverts), List.copyOf(warnings));
    }

    /** Runs a plan from {@link #planDown}, newest first, telling {@code listener} after each version. */
    public List<Step> down(DownPlan plan, Consumer<Step> listener) {
        List<Step> reverted = new ArrayList<>();
        for (Revert revert : plan.reverts()) {
            long started = System.nanoTime();
            try {
                migrator.revert(revert.version(), revert.downSql());
            } catch (SchemaMigrator.StatementFailed failure) {
                String version = revert.version();
                throw failed("migrate down", revert.source(), version, failure, version + " is still applied",
                        "finish reverting " + version + " by hand (" + revert.source() + "), then run: " + clearDirtySql(version)
                                + " — or keep " + version + ": UPDATE schema_migrations SET dirty = false WHERE version = '"
                                + version.replace("'", "''") + "';");
            }
            Step step = new Step(revert.version(), Instant.now(), Duration.ofNanos(System.nanoTime() - started));
            reverted.add(step);
            listener.accept(step);
        }
        return List.copyOf(reverted);
    }

    /** The static checks and the round trip on a scratch database; see {@link MigrationVerifier}. */
    public MigrationVerifier.Report verify(Consumer<MigrationVerifier.RoundTrip> listener) {
        return new MigrationVerifier(MigrationDir.read(dirPath), migrator, scratchSuffix).verify(listener);
    }

    private Revert revertOf(Applied row, Optional<MigrationDir.Migration> file, List<String> warnings) {
        String escrowed = row.downSql();
        if (escrowed == null || escrowed.isBlank()) {
            MigrationDir.Migration shipped = file.orElseThrow(() -> new RagbackException(RagbackException.Kind.EXTERNAL,
                    "migrate down: " + row.version() + " has no escrowed down.sql in schema_migrations and " + dirPath
                            + " does not ship it", "revert " + row.version() + " by hand, then: DELETE FROM schema_migrations "
                            + "WHERE version = '" + row.version().replace("'", "''") + "';"));
            warnings.add(row.version() + ": nothing escrowed in schema_migrations.down_sql; using " + shipped.downFile());
            return new Revert(row.version(), shipped.downSql(), false, shipped.downFile().toString());
        }
        String escrowedSha = Sha256.ofText(escrowed);
        if (row.downSha256() != null && !row.downSha256().equals(escrowedSha)) {
            warnings.add(row.version() + ": the escrowed down.sql does not match its recorded down_sha256");
        }
        if (file.isPresent() && !file.get().downSha256().equals(escrowedSha)) {
            warnings.add(file.get().downFile() + " differs from the down.sql escrowed when " + row.version()
                    + " was applied; running the escrowed one");
        }
        for (SqlScript.Statement statement : SqlScript.split(escrowed)) {
            String problem = SqlScript.problem(statement);
            if (problem != null) {
                throw RagbackException.malformed("migrate down: the escrowed down.sql of " + row.version() + ", line "
                        + statement.line() + ": " + problem);
            }
        }
        return new Revert(row.version(), escrowed, true, "the escrowed down.sql of " + row.version());
    }

    /** Applied versions whose up.sql changed since: a warning for up, a failure for verify. */
    static List<String> changedFiles(MigrationDir dir, List<Applied> rows) {
        List<String> changed = new ArrayList<>();
        for (Applied row : rows) {
            dir.find(row.version()).filter(m -> !m.upSha256().equals(row.upSha256())).ifPresent(m ->
                    changed.add(m.upFile() + " changed since " + row.version()
                            + " was applied (sha256 differs); see: ragback migrate verify"));
        }
        return changed;
    }

    static Optional<String> currentOf(List<Applied> rows) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (!rows.get(i).dirty()) {
                return Optional.of(rows.get(i).version());
            }
        }
        return Optional.empty();
    }

    private static void refuseWhenDirty(List<Applied> rows, String command) {
        List<String> dirty = rows.stream().filter(Applied::dirty).map(Applied::version).toList();
        if (!dirty.isEmpty()) {
            String version = dirty.get(0);
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "migrate " + command + ": refusing to migrate: " + version
                    + " is dirty in schema_migrations (a migration of it failed and was rolled back)",
                    "see: ragback migrate status; make the schema match the state without " + version
                            + " (after a failed up it already does), then run: " + clearDirtySql(version));
        }
    }

    private static RagbackException failed(String command, String file, String version, SchemaMigrator.StatementFailed failure,
                                           String stateAfter, String hint) {
        String statement = new SqlScript.Statement(0, failure.line(), failure.statement()).oneLine(160);
        String dirty = failure.markedDirty() ? version + " is marked dirty" : "marking " + version + " dirty failed too";
        return new RagbackException(RagbackException.Kind.EXTERNAL, command + ": " + version + ": " + file + " line "
                + failure.line() + " failed: " + failure.detail() + "; statement: " + statement + "; rolled back, so "
                + stateAfter + "; " + dirty, hint, failure);
    }

    private static void requireVersion(String version) {
        Names.require("migration version", version);
        if (!MigrationDir.looksLikeVersion(version)) {
            throw RagbackException.usage("migration version '" + version + "' is not a version (expected e.g. v1.2.0)");
        }
    }

    private static String versionList(List<String> versions) {
        return versions.isEmpty() ? "none" : versions.stream().collect(Collectors.joining(", "));
    }
}
