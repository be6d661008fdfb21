package dev.ragback.testing.pg;

import dev.ragback.adapters.postgres.PostgresConnection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A database of a throwaway cluster, created fresh for one test class by {@link PostgresExtension}
 * (or by {@link ThrowawayPostgres#freshDatabase} on a private cluster).
 *
 * @param name       database name, e.g. {@code ragdb_jdbcdatabaseprobetest}
 * @param connection how to reach it as the superuser, with the password
 * @param env        PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE for a child process
 */
public record PgDatabase(String name, PostgresConnection connection, Map<String, String> env) {

    public PgDatabase {
        env = Map.copyOf(env);
    }

    public String jdbcUrl() {
        return connection.jdbcUrl();
    }

    /** Runs SQL statements (separated by ';') in this database as the superuser. */
    public void execute(String sql) {
        try {
            HarnessSessions.execute(connection, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + name + ": " + e.getMessage() + "\n" + sql, e);
        }
    }

    /** Every row of a query, each as its columns' text values (null stays null). */
    public List<List<String>> rows(String sql) {
        try {
            return HarnessSessions.with(connection, session -> {
                List<List<String>> rows = new ArrayList<>();
                try (Statement statement = session.createStatement(); ResultSet result = statement.executeQuery(sql)) {
                    int columns = result.getMetaData().getColumnCount();
                    while (result.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= columns; i++) {
                            row.add(result.getString(i));
                        }
                        rows.add(row);
                    }
                }
                return rows;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + name + ": " + e.getMessage() + "\n" + sql, e);
        }
    }
}
