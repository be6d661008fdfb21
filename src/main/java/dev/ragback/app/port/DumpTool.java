package dev.ragback.app.port;

import dev.ragback.app.files.FileDigest;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The database's dump and restore programs (pg_dump / pg_restore). Failures are EXTERNAL
 * {@link dev.ragback.app.RagbackException}s carrying the program's own message, never a password.
 */
public interface DumpTool {

    /**
     * How to dump.
     *
     * @param directoryFormat false: one archive file ({@code -Fc}); true: a directory ({@code -Fd})
     * @param compressLevel   0..9
     * @param jobs            parallel jobs (directory format only)
     * @param excludedTables  table patterns left out of the dump (definition and data)
     */
    record DumpOptions(boolean directoryFormat, int compressLevel, int jobs, List<String> excludedTables) {
    }

    /** Version of the dump program, e.g. {@code 15.18}; fails EXTERNAL when it cannot run. */
    String dumpVersion();

    /** Version of the restore program; fails EXTERNAL when it cannot run. */
    String restoreVersion();

    /**
     * Dumps the database into {@code target} (a new file, or a new directory for the directory
     * format), hashing as it writes. Paths in the digests are {@code relativePath} (plus
     * {@code /<file>} for a directory).
     */
    List<FileDigest> dump(DumpOptions options, Path target, String relativePath, LongConsumer progress);

    /**
     * Dumps the database as one archive ({@code -Fc}; {@code options} must not ask for the directory
     * format) into {@code target}, a local file or an object upload, hashing as it writes. On failure
     * the output is closed unfinished.
     */
    FileDigest dumpArchive(DumpOptions options, dev.ragback.app.files.FileTarget target, String relativePath, LongConsumer progress);

    /** Reads the whole archive as a restore would, writing nothing; fails INTEGRITY when it is damaged. */
    void checkReadable(Path archive);

    /** One escrowed down migration: its {@code down.sql} text, as {@code schema_migrations.down_sql} holds it. */
    record DownMigration(String version, String downSql) {
    }

    /**
     * How to restore.
     *
     * @param directoryFormat the archive is a {@code -Fd} directory
     * @param jobs            parallel jobs; above 1 (directory format only) the restore is not one transaction
     * @param downChain       escrowed down migrations run first, newest first, each also deleting its
     *                        {@code schema_migrations} row, in the same transaction; or empty
     */
    record RestoreOptions(boolean directoryFormat, int jobs, List<DownMigration> downChain) {
        public boolean parallel() {
            return directoryFormat && jobs > 1;
        }
    }

    /**
     * Replaces the database's objects with the archive's ({@code --clean --if-exists}), after
     * the {@code downChain}. Unless {@link RestoreOptions#parallel()}, all of it is one transaction:
     * on any failure, interruption or crash the database stays as it was before.
     */
    void restore(Path archive, RestoreOptions options, LongConsumer progress);

    /**
     * A restore run up to, not including, its COMMIT: the down chain and the archive's SQL ran in
     * one transaction on one session, which stays open and holds its locks; nothing is visible yet.
     */
    interface PreparedRestore {
        /** Makes it visible; fails EXTERNAL when the server refused the COMMIT (then nothing changed). */
        void commit();

        /** Rolls it back and waits until the session is gone, so that its locks are free; never throws. */
        void rollback();
    }

    /**
     * Runs {@link #restore}'s transaction without committing it. Not for a
     * {@link RestoreOptions#parallel()} restore, which cannot be one transaction. Failure or
     * interruption: rolled back, nothing changed.
     */
    PreparedRestore prepare(Path archive, RestoreOptions options, LongConsumer progress);
}
