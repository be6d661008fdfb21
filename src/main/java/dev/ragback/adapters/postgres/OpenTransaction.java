package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One psql session holding a restore's transaction open: BEGIN, the SQL, then a marker that psql
 * echoes only once every statement before it ran. COMMIT or ROLLBACK comes later, from
 * {@link #commit()} or {@link #rollback()}. If ragback dies, psql reads EOF with no COMMIT and the
 * server rolls back.
 */
final class OpenTransaction implements DumpTool.PreparedRestore {
    private static final Logger LOG = LoggerFactory.getLogger(OpenTransaction.class);
    private static final String PID = "ragback-backend-pid:";
    private static final String PREPARED = "ragback-prepared";
    private static final long SESSION_GONE_MILLIS = 15_000;

    private final Process psql;
    private final OutputStream sql;
    private final ChildProcesses.StderrTail errors;
    private final PostgresConnection connection;
    private final CompletableFuture<Integer> backendPid = new CompletableFuture<>();
    private final CompletableFuture<Boolean> prepared = new CompletableFuture<>();
    private boolean finished;

    private OpenTransaction(Process psql, PostgresConnection connection) {
        this.psql = psql;
        this.sql = psql.getOutputStream();
        this.errors = new ChildProcesses.StderrTail(psql.getErrorStream(), LOG, "psql");
        this.connection = connection;
        Thread reader = new Thread(() -> readMarkers(psql.getInputStream()), "psql-markers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts psql, sends BEGIN and {@code prelude}, then the script. Fails (rolled back) on any error. */
    static OpenTransaction begin(ProcessBuilder psql, PostgresConnection connection, String prelude, Script script,
                                 LongConsumer progress) throws IOException, InterruptedException {
        OpenTransaction tx = new OpenTransaction(psql.redirectOutput(ProcessBuilder.Redirect.PIPE).start(), connection);
        boolean ok = false;
        try {
            tx.send("SELECT '" + PID + "' || pg_backend_pid();\nBEGIN;\n" + prelude + "\n");
            try {
                script.writeTo(tx.sql, progress);
            } catch (IOException e) {
                // a broken pipe means psql is exiting; otherwise the script failed itself (pg_restore exited) and says how
                if (!tx.psql.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw e;
                }
                throw new IOException(tx.failure("psql stopped reading the restore"), e);
            }
            tx.send("\\echo " + PREPARED + "\n");
            if (!tx.prepared.get()) {
                throw new IOException(tx.failure("psql exited before the end of the restore"));
            }
            ok = true;
            return tx;
        } catch (ExecutionException e) {
            throw new IOException(tx.failure("psql failed"), e);
        } finally {
            if (!ok) {
                tx.rollback();
            }
        }
    }

    /** What psql runs between BEGIN and the marker. */
    interface Script {
        void writeTo(OutputStream sql, LongConsumer progress) throws IOException, InterruptedException;
    }

    @Override
    public void commit() {
        if (finished) {
            throw new IllegalStateException("the transaction is over");
        }
        finished = true;
        try {
            send("COMMIT;\n");
            sql.close();
            int exit = psql.waitFor();
            if (exit != 0) {
                throw new IOException(failure("COMMIT failed, psql exited " + exit));
            }
        } catch (IOException e) {
            throw RagbackException.external("restore of " + connection.describe() + " did not commit: "
                    + PostgresFailures.oneLine(e.getMessage(), connection.password()),
                    "the server rolled it back unless the connection broke during the COMMIT; look at the database", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted during the COMMIT of the restore of "
                    + connection.describe() + "; psql goes on and commits");
        }
    }

    @Override
    public void rollback() {
        if (finished) {
            return;
        }
        finished = true;
        boolean interrupted = Thread.interrupted(); // the clean-up must run even when Ctrl-C interrupted us
        try {
            try {
                send("ROLLBACK;\n");
                sql.close();
            } catch (IOException e) {
                LOG.debug("psql is gone already: {}", e.getMessage());
            }
            if (!psql.waitFor(5, TimeUnit.SECONDS)) {
                psql.destroyForcibly(); // the server rolls back a session whose client is gone
            }
            awaitSessionGone();
        } catch (InterruptedException e) {
            interrupted = true;
            psql.destroyForcibly();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Until its backend is gone, the rolled-back session may still hold the restore's locks. */
    private void awaitSessionGone() throws InterruptedException {
        Integer pid = backendPid.getNow(null);
        if (pid == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + SESSION_GONE_MILLIS;
        try (Connection db = connection.open(); PreparedStatement alive = db.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ?")) {
            alive.setInt(1, pid);
            boolean askedToEnd = false;
            while (System.currentTimeMillis() < deadline) {
                try (ResultSet rows = alive.executeQuery()) {
                    if (!rows.next()) {
                        return;
                    }
                }
                if (!askedToEnd) {
                    LOG.debug("session {} still there after the rollback: terminated", pid);
                    askedToEnd = true;
                }
                Thread.sleep(50);
            }
            LOG.warn("the rolled-back restore session (backend pid {}) has not ended after {} s", pid, SESSION_GONE_MILLIS / 1000);
        } catch (SQLException | RagbackException e) {
            LOG.warn("could not check that the rolled-back restore session (backend pid {}) ended: {}", pid, e.getMessage());
        }
    }

    private void send(String text) throws IOException {
        sql.write(text.getBytes(StandardCharsets.UTF_8));
        sql.flush();
    }

    private void readMarkers(InputStream stdout) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith(PID)) {
                    backendPid.complete(Integer.valueOf(line.substring(PID.length()).trim()));
                } else if (line.equals(PREPARED)) {
                    prepared.complete(true);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("psql stdout: {}", e.getMessage());
        } finally {
            prepared.complete(false);
        }
    }

    private String failure(String what) {
        return ChildProcesses.failure(psql, errors, what);
    }
}
