package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;

import java.sql.SQLException;

/** Builds the one-line EXTERNAL failures of this adapter, with a hint picked from the SQL state. */
final class PostgresFailures {
    private static final int MAX_LENGTH = 300;
    static final String LOGIN_HINT = "check PGPASSWORD (or ~/.pgpass) and PGUSER";

    private PostgresFailures() {
    }

    static RagbackException external(PostgresConnection connection, String doing, SQLException cause) {
        if (isLoginRefused(cause.getSQLState())) {
            return loginRefused(connection, cause);
        }
        String message = "PostgreSQL at " + connection.describe() + ": " + doing + ": "
                + oneLine(cause.getMessage(), connection.password());
        return new RagbackException(RagbackException.Kind.EXTERNAL, message, hint(cause.getSQLState()), cause);
    }

    /** Once per run the server's words and the hint; after that a pointer to them, never the text again. */
    private static RagbackException loginRefused(PostgresConnection connection, SQLException cause) {
        String where = "PostgreSQL at " + connection.describe() + ": ";
        if (LoginRefusals.firstFor(connection)) {
            String said = oneLine(cause.getMessage(), connection.password()).replaceFirst("^FATAL:\\s*", "");
            // the hint rides in the message: warnings (TaskDB, the lock) print the message alone
            return new RagbackException(RagbackException.Kind.EXTERNAL, where + said + "; " + LOGIN_HINT, null, cause);
        }
        return new RagbackException(RagbackException.Kind.EXTERNAL,
                where + "login as " + connection.user() + " refused again (reported once in full)", LOGIN_HINT, cause);
    }

    static boolean isLoginRefused(String sqlState) {
        return "28P01".equals(sqlState) || "28000".equals(sqlState);
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
        if (sqlState.equals("3D000")) {
            return "check PGDATABASE (or postgres.database); the database does not exist";
        }
        return null;
    }
}
