package dev.ragback.app.port;

import dev.ragback.app.RagbackException;

import java.time.Instant;

/**
 * Applies and reverts schema migrations on one database, each in one transaction together with
 * its {@code schema_migrations} row (SPEC section 7), and dumps that database's schema. Calls
 * fail with a {@link RagbackException} of kind EXTERNAL when the database cannot be reached, and
 * with {@link StatementFailed} when a statement of a migration fails.
 */
public interface SchemaMigrator extends AppliedMigrations {

    /**
     * One migration to apply.
     *
     * @param version    e.g. {@code v1.1.0}
     * @param upSql      the up.sql text that runs
     * @param upSha256   sha256 of {@code upSql}, recorded in the row
     * @param downSql    the down.sql text, escrowed in the row
     * @param downSha256 sha256 of {@code downSql}, recorded in the row
     */
    record Migration(String version, String upSql, String upSha256, String downSql, String downSha256) {
    }

    /** {@code host:port/database}, for messages. */
    String describe();

    /**
     * Runs {@code upSql} and inserts the row (dirty false) in one transaction, creating
     * {@code schema_migrations} first when it is missing. On a failing statement the transaction
     * is rolled back, the row is then written with dirty true in a transaction of its own, and
     * {@link StatementFailed} is thrown. Fails EXTERNAL when the version already has a row.
     *
     * @return when the row says it was applied
     */
    Instant apply(Migration migration);

    /**
     * Runs {@code downSql} and deletes the row of {@code version} in one transaction. On a failing
     * statement the transaction is rolled back, the row is then marked dirty in a transaction of
     * its own, and {@link StatementFailed} is thrown. Fails EXTERNAL when the version has no
     * clean row (another session reverted it, or it is dirty).
     */
    void revert(String version, String downSql);

    /** The schema as {@code pg_dump --schema-only} prints it, without {@code schema_migrations}; not normalised. */
    String schemaDump();

    /** Creates an empty database {@code name} on the same server and returns a migrator for it. */
    SchemaMigrator createScratch(String name);

    /** Drops the database {@code name} (created by {@link #createScratch}), ending its sessions; no error when absent. */
    void dropScratch(String name);

    /**
     * A statement of a migration script failed; its transaction was rolled back.
     */
    final class StatementFailed extends RagbackException {
        private final int line;
        private final String statement;
        private final String detail;
        private final boolean markedDirty;

        /**
         * @param line        the script's line the error points at (its position when PostgreSQL gives one,
         *                    else where the statement starts), 1-based
         * @param statement   the failing statement's text
         * @param detail      PostgreSQL's message, e.g. {@code ERROR: relation "x" does not exist}
         * @param markedDirty false when writing the dirty row failed too
         */
        public StatementFailed(int line, String statement, String detail, boolean markedDirty, Throwable cause) {
            super(Kind.EXTERNAL, "line " + line + ": " + detail, null, cause);
            this.line = line;
            this.statement = statement;
            this.detail = detail;
            this.markedDirty = markedDirty;
        }

        public int line() {
            return line;
        }

        public String statement() {
            return statement;
        }

        public String detail() {
            return detail;
        }

        public boolean markedDirty() {
            return markedDirty;
        }
    }
}
