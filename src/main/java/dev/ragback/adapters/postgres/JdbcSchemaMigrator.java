package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.migrate.SqlScript;
import dev.ragback.app.port.SchemaMigrator;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link SchemaMigrator} over JDBC: each migration on a connection of its own, in one transaction
 * with its {@code schema_migrations} row, under a transaction-level advisory lock so that two
 * sessions never migrate at once. Schema dumps come from {@code pg_dump --schema-only}.
 */
public final class JdbcSchemaMigrator implements SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSchemaMigrator.class);
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, "
            + "applied_at timestamptz NOT NULL DEFAULT now(), up_sha256 text, down_sha256 text, down_sql text, "
            + "dirty boolean NOT NULL DEFAULT false)";
    private static final String QUALIFIED_TABLE = "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('schema_migrations')";
    // one key for every ragback migrating this database: 'ragback migrations' as a bigint
    private static final long LOCK_KEY = 0x7261676261636bL;
    private static final List<String> ALREADY_CREATED = List.of("23505", "42P07");
    private static final Pattern SCRATCH_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(2);

    private final PostgresConnection connection;
    private final PostgresPrograms programs;
    private final Duration statementTimeout;
    private final Map<String, Thread> scratchCleanups = new ConcurrentHashMap<>();

    /**
     * @param connection       the database migrated
     * @param binDir           directory holding pg_dump, or {@code null} to search PATH, then /usr/lib/postgresql/*&#47;bin
     * @param statementTimeout longest one statement of a migration may run (server side and client side)
     */
    public JdbcSchemaMigrator(PostgresConnection connection, Path binDir, Duration statementTimeout) {
        this(connection, PostgresPrograms.standard(binDir), statementTimeout);
    }

    /** As {@link #JdbcSchemaMigrator(PostgresConnection, Path, Duration)}, pg_dump started in {@code context}. */
    public JdbcSchemaMigrator(PostgresConnection connection, Path binDir, Duration statementTimeout,
                              dev.ragback.adapters.os.ChildContext context) {
        this(connection, PostgresPrograms.standard(binDir, context), statementTimeout);
    }

    private JdbcSchemaMigrator(PostgresConnection connection, PostgresPrograms programs, Duration statementTimeout) {
        this.connection = connection;
        this.programs = programs;
        this.statementTimeout = statementTimeout;
    }

    @Override
    public String describe() {
        return connection.describe();
    }

    @Override
    public List<Applied> applied() {
        try (Connection db = connection.open()) {
            return JdbcAppliedMigrations.read(db);
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot read schema_migrations", e);
        }
    }

    @Override
    public Instant apply(Migration migration) {
        String version = migration.version();
        try (Connection db = openForMigration()) {
            String table = ensureTable(db);
            db.setAutoCommit(false);
            lock(db);
            if (row(db, table, version) != null) {
                db.rollback();
                throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot apply " + version + ": schema_migrations in "
                        + describe() + " already has a row for it (another session applied it?)", "see: ragback migrate status");
            }
            try {
                runScript(db, migration.upSql());
                Instant at = insertRow(db, table, migration, false);
                commit(db);
                return at;
            } catch (ScriptFailure failure) {
                failure.throwWhenConnectionLost(connection, "applying " + version);
                rollbackQuietly(db);
                boolean marked = markDirty(db, () -> insertRow(db, table, migration, true));
                throw failure.toStatementFailed(marked, connection.password());
            }
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot apply " + version, e);
        }
    }

    @Override
    public void revert(String version, String downSql) {
        try (Connection db = openForMigration()) {
            String table = ensureTable(db);
            db.setAutoCommit(false);
            lock(db);
            Boolean dirty = row(db, table, version);
            if (dirty == null || dirty) {
                db.rollback();
                throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot revert " + version + ": schema_migrations in "
                        + describe() + (dirty == null ? " has no row for it (another session reverted it?)" : " marks it dirty"),
                        "see: ragback migrate status");
            }
            try {
                runScript(db, downSql);
                try (PreparedStatement delete = db.prepareStatement("DELETE FROM " + table + " WHERE version = ?")) {
                    delete.setString(1, version);
                    delete.executeUpdate();
                } catch (SQLException e) {
                    throw new ScriptFailure(new SqlScript.Statement(0, 1, "DELETE FROM schema_migrations"), e);
                }
                commit(db);
            } catch (ScriptFailure failure) {
                failure.throwWhenConnectionLost(connection, "reverting " + version);
                rollbackQuietly(db);
                boolean marked = markDirty(db, () -> {
                    String sql = "UPDATE " + table + " SET dirty = true WHERE version = ?";
                    try (PreparedStatement update = db.prepareStatement(sql)) {
                        update.setString(1, version);
                        update.executeUpdate();
                    }
                    return null;
                });
                throw failure.toStatementFailed(marked, connection.password());
            }
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot revert " + version, e);
        }
    }

    @Override
    public String schemaDump() {
        return PgSchemaDump.run(programs, connection, List.of("schema_migrations"), DUMP_TIMEOUT);
    }

    @Override
    public SchemaMigrator createScratch(String name) {
        requireScratchName(name);
        try (Connection db = connection.open(); Statement create = db.createStatement()) {
            create.execute("CREATE DATABASE " + SqlNames.quoted(name));
        } catch (SQLException e) {
            RagbackException failure = PostgresFailures.external(connection, "cannot create the scratch database " + name, e);
            throw "42501".equals(e.getSQLState()) ? new RagbackException(failure.kind(), failure.getMessage(),
                    "migrate verify needs a role that may create databases (ALTER ROLE " + connection.user() + " CREATEDB)", e)
                    : failure;
        }
        // Ctrl-C must not leave the scratch database behind
        Thread cleanup = new Thread(() -> dropQuietly(name), "drop-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
        scratchCleanups.put(name, cleanup);
        PostgresConnection scratch = new PostgresConnection(connection.host(), connection.port(), connection.user(), name,
                connection.password(), connection.parameters());
        return new JdbcSchemaMigrator(scratch, programs, statementTimeout);
    }

    @Override
    public void dropScratch(String name) {
        requireScratchName(name);
        try (Connection db = connection.open(); Statement drop = db.createStatement()) {
            boolean force = db.getMetaData().getDatabaseMajorVersion() >= 13;
            drop.execute("DROP DATABASE IF EXISTS " + SqlNames.quoted(name) + (force ? " WITH (FORCE)" : ""));
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot drop the scratch database " + name, e);
        }
        Thread cleanup = scratchCleanups.remove(name);
        if (cleanup != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                LOG.debug("shutdown in progress; the hook drops {} again, harmlessly", name);
            }
        }
    }

    private void dropQuietly(String name) {
        try {
            dropScratch(name);
        } catch (RuntimeException e) {
            LOG.error("could not drop the scratch database {}: {} — drop it by hand: DROP DATABASE {};", name, e.getMessage(), name);
        }
    }

    private Connection openForMigration() throws SQLException {
        Connection db = connection.open();
        try {
            int millis = (int) Math.min(Integer.MAX_VALUE, statementTimeout.plusSeconds(30).toMillis());
            db.setNetworkTimeout(Runnable::run, millis);
            try (Statement set = db.createStatement()) {
                set.execute("SET statement_timeout = " + statementTimeout.toMillis());
            }
            return db;
        } catch (SQLException e) {
            db.close();
            throw e;
        }
    }

    /** Creates the table when missing (outside the migration's transaction) and returns its schema-qualified name. */
    private static String ensureTable(Connection db) throws SQLException {
        try (Statement create = db.createStatement()) {
            create.execute(CREATE_TABLE);
        } catch (SQLException e) {
            if (!ALREADY_CREATED.contains(e.getSQLState())) {
                throw e;
            }
        }
        // qualified, so a migration that changes search_path cannot send the row elsewhere
        try (Statement query = db.createStatement(); ResultSet name = query.executeQuery(QUALIFIED_TABLE)) {
            name.next();
            return name.getString(1);
        }
    }

    private static void lock(Connection db) throws SQLException {
        try (PreparedStatement lock = db.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            lock.execute();
        }
    }

    /** The row's dirty flag, or null when there is no row. */
    private static Boolean row(Connection db, String table, String version) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT dirty FROM " + table + " WHERE version = ? FOR UPDATE")) {
            select.setString(1, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getBoolean(1) : null;
            }
        }
    }

    private static void runScript(Connection db, String sql) throws ScriptFailure {
        for (SqlScript.Statement statement : SqlScript.split(sql)) {
            try (Statement run = db.createStatement()) {
                run.setEscapeProcessing(false);
                run.execute(statement.text());
            } catch (SQLException e) {
                throw new ScriptFailure(statement, e);
            }
        }
    }

    private static Instant insertRow(Connection db, String table, Migration m, boolean dirty) throws ScriptFailure {
        String sql = "INSERT INTO " + table + " (version, applied_at, up_sha256, down_sha256, down_sql, dirty) "
                + "VALUES (?, clock_timestamp(), ?, ?, ?, ?) "
                + "ON CONFLICT (version) DO UPDATE SET dirty = true RETURNING applied_at";
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            insert.setString(1, m.version());
            insert.setString(2, m.upSha256());
            insert.setString(3, m.downSha256());
            insert.setString(4, m.downSql());
            insert.setBoolean(5, dirty);
            try (ResultSet at = insert.executeQuery()) {
                at.next();
                return at.getTimestamp(1).toInstant();
            }
        } catch (SQLException e) {
            throw new ScriptFailure(new SqlScript.Statement(0, 1, "INSERT INTO schema_migrations"), e);
        }
    }

    private static void commit(Connection db) throws ScriptFailure {
        try {
            db.commit();
        } catch (SQLException e) {
            throw new ScriptFailure(new SqlScript.Statement(0, 1, "COMMIT"), e);
        }
    }

    private interface DirtyWrite {
        Object write() throws Exception;
    }

    /** Records the failure in a transaction of its own, after the rollback; false when that fails too. */
    private boolean markDirty(Connection db, DirtyWrite write) {
        try {
            db.setAutoCommit(true);
            write.write();
            return true;
        } catch (Exception e) {
            LOG.warn("cannot mark the migration dirty in {}: {}", describe(),
                    PostgresFailures.oneLine(e.getMessage(), connection.password()));
            return false;
        }
    }

    private static void rollbackQuietly(Connection db) {
        try {
            db.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    private static void requireScratchName(String name) {
        if (!SCRATCH_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("scratch database names are [a-z_][a-z0-9_]*, at most 63: " + name);
        }
    }

    @Override
    public String toString() {
        return "JdbcSchemaMigrator[" + connection.describe() + "]";
    }

    /** A statement of a script failed, with what PostgreSQL said. */
    private static final class ScriptFailure extends Exception {
        private final transient SqlScript.Statement statement;

        ScriptFailure(SqlScript.Statement statement, SQLException cause) {
            super(cause);
            this.statement = statement;
        }

        /** A session that ended (server restart, terminated backend) is not the script's fault: EXTERNAL, not a statement failure. */
        void throwWhenConnectionLost(PostgresConnection connection, String doing) {
            SQLException cause = (SQLException) getCause();
            String state = cause.getSQLState() == null ? "" : cause.getSQLState();
            if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                throw PostgresFailures.external(connection, "the session ended while " + doing
                        + " (nothing is committed unless it ended during COMMIT; see: ragback migrate status)", cause);
            }
        }

        StatementFailed toStatementFailed(boolean markedDirty, String password) {
            SQLException cause = (SQLException) getCause();
            int line = statement.line();
            String detail = cause.getMessage();
            if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                ServerErrorMessage server = psql.getServerErrorMessage();
                detail = server.getSeverity() + ": " + server.getMessage();
                if (server.getPosition() > 0) {
                    line = statement.lineOf(server.getPosition());
                }
            }
            return new StatementFailed(line, statement.text(), PostgresFailures.oneLine(detail, password), markedDirty, cause);
        }
    }
}
