package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * {@link RunLock} in TaskDB: {@code pg_try_advisory_lock} on a connection held for the whole run
 * (PostgreSQL frees it if the process dies), plus a lease row in {@code ragback_leases} that names
 * the holder for the exit-4 message.
 */
public final class PostgresRunLock implements RunLock {
    static final long LOCK_KEY = 0x7261676261636bL; // "ragback"
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS ragback_leases (name text PRIMARY KEY, run_id text NOT NULL, "
            + "host text NOT NULL, pid bigint NOT NULL, since timestamptz NOT NULL)";
    private static final String READ = "SELECT run_id, host, pid, since FROM ragback_leases WHERE name = 'rollback'";
    private static final String WRITE = "INSERT INTO ragback_leases (name, run_id, host, pid, since) VALUES ('rollback', ?, ?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET run_id = excluded.run_id, host = excluded.host, pid = excluded.pid, since = excluded.since";

    private static final Duration HOLDER_ROW_WAIT = Duration.ofSeconds(3);

    private final PostgresConnection connection;

    public PostgresRunLock(PostgresConnection connection) {
        this.connection = connection;
    }

    @Override
    public Lease acquire(Holder me, boolean breakStale) {
        Connection db = connection.open();
        try {
            try (Statement statement = db.createStatement()) {
                statement.execute(CREATE);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                    throw e;
                }
            }
            Holder previous = read(db);
            boolean locked;
            try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(
                    "SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                rows.next();
                locked = rows.getBoolean(1);
            }
            if (!locked) {
                Holder holder = awaitHolderRow(db);
                throw new RagbackException(RagbackException.Kind.LOCKED, "another ragback run holds the lock: "
                        + (holder == null ? "a session of " + connection.describe() : holder.toString()),
                        "wait for it to finish (ragback history), or stop it first");
            }
            Holder broken = null;
            if (previous != null && !previous.runId().equals(me.runId())) {
                if (!breakStale) {
                    unlock(db);
                    throw stale(previous, me);
                }
                broken = previous;
            }
            try (PreparedStatement write = db.prepareStatement(WRITE)) {
                write.setString(1, me.runId());
                write.setString(2, me.host());
                write.setLong(3, me.pid());
                write.setTimestamp(4, Timestamp.from(me.since()));
                write.executeUpdate();
            }
            return new PgLease(db, me, broken);
        } catch (SQLException e) {
            close(db);
            throw PostgresFailures.external(connection, "cannot take the run lock", e);
        } catch (RuntimeException e) {
            close(db);
            throw e;
        }
    }

    /**
     * The lease's session is gone (the advisory lock was free), e.g. killed, or PostgreSQL restarted under it.
     * On this host we can tell whether its process still runs; a failed rollback is better resumed than broken.
     */
    static RagbackException stale(Holder previous, Holder me) {
        boolean stillRuns = previous.host().equals(me.host()) && previous.pid() != me.pid()
                && ProcessHandle.of(previous.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (stillRuns) {
            return new RagbackException(RagbackException.Kind.LOCKED, "the lease of " + previous
                    + " lost its TaskDB session, but that process still runs",
                    "wait for it to end or stop it; if pid " + previous.pid() + " is not ragback, add --break-lock");
        }
        String resume = previous.runId().startsWith("rollback_")
                ? "resume that run: ragback rollback auto --resume " + previous.runId() + " — or, " : "";
        return new RagbackException(RagbackException.Kind.LOCKED, "a lease of " + previous
                + " is left behind, and its TaskDB session is gone", resume + "if nothing else runs, break it: add --break-lock");
    }

    /** The holder writes its lease row just after taking the lock; give it a moment so the message can name it. */
    private static Holder awaitHolderRow(Connection db) throws SQLException {
        long deadline = System.nanoTime() + HOLDER_ROW_WAIT.toNanos();
        Holder holder = read(db);
        while (holder == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            holder = read(db);
        }
        return holder;
    }

    private static Holder read(Connection db) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(READ)) {
            return rows.next() ? new Holder(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getTimestamp(4).toInstant()) : null;
        }
    }

    private static void unlock(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        }
    }

    private static void close(Connection db) {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing frees the advisory lock anyway
        }
    }

    private record PgLease(Connection db, Holder me, Holder broken) implements Lease {
        @Override
        public void close() {
            try (PreparedStatement delete = db.prepareStatement("DELETE FROM ragback_leases WHERE name = 'rollback' AND run_id = ?")) {
                delete.setString(1, me.runId());
                delete.executeUpdate();
                unlock(db);
            } catch (SQLException e) {
                // the session ends below, which releases the advisory lock; a stale row is reported next time
            } finally {
                PostgresRunLock.close(db);
            }
        }
    }
}
