package dev.ragback.testing.pg;

import dev.ragback.adapters.postgres.PostgresConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests' own SQL ({@link PgDatabase#execute}, {@link ThrowawayPostgres#execute}) goes through one
 * open session per database instead of a new one per statement: here a PostgreSQL session costs about
 * 30 ms of server CPU to open and close (fork, page faults), and the suite ran over a thousand of them.
 * A session is idle between statements (autocommit), so it holds no lock; one that another thread is
 * using, or that has died (a dropped database, a stopped cluster), is not waited for but replaced.
 */
final class HarnessSessions {
    private static final Map<PostgresConnection, Session> SESSIONS = new HashMap<>();

    interface Work<T> {
        T apply(Connection session) throws SQLException;
    }

    private static final class Session {
        final Connection connection;
        boolean busy;

        Session(Connection connection) {
            this.connection = connection;
        }
    }

    private HarnessSessions() {
    }

    static <T> T with(PostgresConnection target, Work<T> work) throws SQLException {
        Session session = take(target);
        boolean healthy = false;
        try {
            T result = work.apply(session.connection);
            healthy = true;
            return result;
        } finally {
            giveBack(target, session, healthy);
        }
    }

    /** Runs SQL statements (separated by ';') on {@code target}'s session. */
    static void execute(PostgresConnection target, String sql) throws SQLException {
        with(target, session -> {
            try (Statement statement = session.createStatement()) {
                return statement.execute(sql);
            }
        });
    }

    /** Closes the sessions to {@code database} on the cluster at {@code port} (null: every database there). */
    static void close(int port, String database) {
        List<Connection> closing = new ArrayList<>();
        synchronized (SESSIONS) {
            SESSIONS.entrySet().removeIf(entry -> {
                boolean match = entry.getKey().port() == port && (database == null || entry.getKey().database().equals(database));
                if (match && !entry.getValue().busy) {
                    closing.add(entry.getValue().connection);
                }
                return match;
            });
        }
        closing.forEach(HarnessSessions::closeQuietly);
    }

    /** The shared session, checked alive; a one-off one (not shared, closed after use) while it is busy. */
    private static Session take(PostgresConnection target) throws SQLException {
        Session shared;
        synchronized (SESSIONS) {
            shared = SESSIONS.get(target);
            if (shared != null && shared.busy) {
                return new Session(target.open());
            }
            if (shared != null) {
                shared.busy = true;
            }
        }
        if (shared != null && shared.connection.isValid(5)) {
            return shared;
        }
        if (shared != null) {
            giveBack(target, shared, false);
        }
        Session fresh = new Session(target.open());
        synchronized (SESSIONS) {
            if (SESSIONS.putIfAbsent(target, fresh) == null) {
                fresh.busy = true;
            }
        }
        return fresh;
    }

    /** Keeps a healthy shared session for the next statement; closes any other. */
    private static void giveBack(PostgresConnection target, Session session, boolean healthy) {
        synchronized (SESSIONS) {
            session.busy = false;
            if (healthy && SESSIONS.get(target) == session) {
                return;
            }
            SESSIONS.remove(target, session);
        }
        closeQuietly(session.connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // already gone: nothing to release
        }
    }
}
