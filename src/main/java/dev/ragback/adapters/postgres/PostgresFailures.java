package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;

import java.sql.SQLException;

/** Builds the one-line EXTERNAL failures of this adapter, with a hint picked from the SQL state. */
final class PostgresFailures {
    private static final int MAX_LENGTH = 300;

    private PostgresFailures() {
    }

    static RagbackException external(PostgresConnection connection, String doing, SQLException cause) {
        String message = "PostgreSQL at " + connection.describe() + ": " + doing + ": "
                + oneLine(cause.getMessage(), connection.password());
        return new RagbackException(RagbackException.Kind.EXTERNAL, message, hint(cause.getSQLState()), cause);
    }

    static String oneLine(String text, String secret) {
        String flat = text == null ? "no details" : text.replaceAll("\\s*\\R\\s*", " ").trim();
        if (secret != null && !secret.isEmpty()) {
            flat = flat.replace(secret, "***");
        }
        return flat.length() > MAX_LENGTH ? flat.substring(0, MAX_LENGTH) + "…" : flat;
    }

    private static String hint(String sqlState) {
        if (sqlState == null) {
            return null;
        }
        if (sqlState.startsWith("08")) {
            return "is PostgreSQL running and reachable? check PGHOST and PGPORT (or postgres.host/port)";
        }
        if (sqlState.equals("28P01") || sqlState.equals("28000")) {
            return "check PGUSER and PGPASSWORD (or ~/.pgpass)";
        }
        if (sqlState.equals("3D000")) {
            return "check PGDATABASE (or postgres.database); the database does not exist";
        }
        return null;
    }
}
