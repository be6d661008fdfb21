package dev.ragback.adapters.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One PostgreSQL session kept open for a whole command and shared by the adapters that ask questions
 * of the same database: each new session costs a SCRAM handshake (and TLS) on the client and a server
 * process, and a rollback asked dozens of questions. Work runs one piece at a time. A session that
 * broke since its last use (the server restarted, the backend was terminated) is replaced once.
 */
public final class HeldSession implements AutoCloseable {
    private static final int CHECK_SECONDS = 2;

    private final PostgresConnection connection;
    private final boolean holds;
    private Connection held;

    public HeldSession(PostgresConnection connection) {
        this(connection, true);
    }

    private HeldSession(PostgresConnection connection, boolean holds) {
        this.connection = connection;
        this.holds = holds;
    }

    /** A session of its own for each piece of work, closed after it: for adapters built without a shared one. */
    static HeldSession perCall(PostgresConnection connection) {
        return new HeldSession(connection, false);
    }

    /** Work on the session of one database, in autocommit mode unless the work changes that and restores it. */
    interface SqlWork<T> {
        T apply(Connection db) throws SQLException;
    }

    public PostgresConnection connection() {
        return connection;
    }

    <T> T with(SqlWork<T> work) throws SQLException {
        if (!holds) {
            try (Connection db = connection.open()) {
                return work.apply(db);
            }
        }
        return withHeld(work);
    }

    private synchronized <T> T withHeld(SqlWork<T> work) throws SQLException {
        if (held != null) {
            try {
                return work.apply(held);
            } catch (SQLException e) {
                if (isAlive(held)) {
                    throw e;
                }
                close();
            }
        }
        held = connection.open();
        return work.apply(held);
    }

    private static boolean isAlive(Connection db) {
        try {
            return !db.isClosed() && db.isValid(CHECK_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (held != null) {
            try {
                held.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            held = null;
        }
    }

    @Override
    public String toString() {
        return "HeldSession[" + connection.describe() + "]";
    }
}
