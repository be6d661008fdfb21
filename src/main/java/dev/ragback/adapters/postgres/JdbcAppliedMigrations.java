package dev.ragback.adapters.postgres;

import dev.ragback.app.Versions;
import dev.ragback.app.port.AppliedMigrations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link AppliedMigrations} read from {@code schema_migrations} over JDBC. */
public final class JdbcAppliedMigrations implements AppliedMigrations {
    private static final String TABLE_EXISTS = "SELECT to_regclass('schema_migrations') IS NOT NULL";
    private static final String ROWS = "SELECT version, applied_at, up_sha256, down_sha256, down_sql, dirty FROM schema_migrations";

    private final PostgresConnection connection;
    private final HeldSession session;

    public JdbcAppliedMigrations(PostgresConnection connection) {
        this(HeldSession.perCall(connection));
    }

    /** Reads through {@code session}, which other adapters of the same database may share. */
    public JdbcAppliedMigrations(HeldSession session) {
        this.connection = session.connection();
        this.session = session;
    }

    @Override
    public List<Applied> applied() {
        try {
            return session.with(JdbcAppliedMigrations::read);
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot read schema_migrations", e);
        }
    }

    /** The rows as seen by an open connection (inside its transaction, if any). */
    static List<Applied> read(Connection db) throws SQLException {
        List<Applied> rows = new ArrayList<>();
        try (PreparedStatement exists = db.prepareStatement(TABLE_EXISTS); ResultSet answer = exists.executeQuery()) {
            answer.next();
            if (!answer.getBoolean(1)) {
                return rows;
            }
        }
        try (PreparedStatement select = db.prepareStatement(ROWS); ResultSet result = select.executeQuery()) {
            while (result.next()) {
                java.sql.Timestamp at = result.getTimestamp(2);
                rows.add(new Applied(result.getString(1), at == null ? null : at.toInstant(), result.getString(3),
                        result.getString(4), result.getString(5), result.getBoolean(6)));
            }
        }
        rows.sort((a, b) -> Versions.SEMANTIC.compare(a.version(), b.version()));
        return rows;
    }

    @Override
    public String toString() {
        return "JdbcAppliedMigrations[" + connection.describe() + "]";
    }
}
