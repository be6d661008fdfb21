package dev.ragback.adapters.postgres;

import dev.ragback.app.port.DatabaseProbe;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@link DatabaseProbe} over JDBC: on a {@link HeldSession}, or with a session of its own for every question. */
public final class JdbcDatabaseProbe implements DatabaseProbe {
    // ordinary and partitioned tables; views and indexes do not count
    private static final String TABLE_EXISTS =
            "SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(?) AND relkind IN ('r', 'p'))";

    // the same visibility as to_regclass: the first table of that name on the search path;
    // E'' so the escape character reads the same whatever standard_conforming_strings says
    private static final String TABLES_LIKE = "SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'p')"
            + " AND pg_table_is_visible(c.oid) AND c.relname LIKE ? ESCAPE E'\\\\' ORDER BY c.relname COLLATE \"C\"";

    private final PostgresConnection connection;
    private final HeldSession session;

    public JdbcDatabaseProbe(PostgresConnection connection) {
        this(HeldSession.perCall(connection));
    }

    public JdbcDatabaseProbe(HeldSession session) {
        this.connection = session.connection();
        this.session = session;
    }

    @Override
    public String describe() {
        return connection.describe();
    }

    @Override
    public String serverVersion() {
        try {
            return session.with(db -> {
                try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery("SHOW server_version")) {
                    rows.next();
                    return shortVersion(rows.getString(1));
                }
            });
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot read the server version", e);
        }
    }

    @Override
    public boolean tableExists(String table) {
        try {
            return session.with(db -> {
                try (PreparedStatement statement = db.prepareStatement(TABLE_EXISTS)) {
                    statement.setString(1, table);
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        return rows.getBoolean(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot check for table '" + table + "'", e);
        }
    }

    @Override
    public List<String> tablesStartingWith(String prefix) {
        try {
            return session.with(db -> {
                try (PreparedStatement statement = db.prepareStatement(TABLES_LIKE)) {
                    statement.setString(1, likePrefix(prefix));
                    try (ResultSet rows = statement.executeQuery()) {
                        List<String> tables = new ArrayList<>();
                        while (rows.next()) {
                            tables.add(rows.getString(1));
                        }
                        return tables;
                    }
                }
            });
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot list the tables named " + prefix + "*", e);
        }
    }

    /** {@code rag_} becomes {@code rag\_%}: the prefix matched literally. */
    static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    @Override
    public List<ModelCount> chunkCounts(String table) {
        String sql = "SELECT model_id, count(*), count(DISTINCT uri) FROM " + SqlNames.quoted(table)
                + " WHERE deleted_at IS NULL GROUP BY model_id ORDER BY model_id";
        try {
            return session.with(db -> {
                try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                    List<ModelCount> counts = new ArrayList<>();
                    while (rows.next()) {
                        counts.add(new ModelCount(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                    }
                    return counts;
                }
            });
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot count the chunks of " + table, e);
        }
    }

    /** {@code "15.18 (Debian 15.18-1.pgdg120+1)"} becomes {@code "15.18"}. */
    static String shortVersion(String serverVersion) {
        String trimmed = serverVersion.trim();
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }

    @Override
    public String toString() {
        return "JdbcDatabaseProbe[" + connection.describe() + "]";
    }
}
