package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Restores an archive all or nothing: {@code pg_restore -f -} turns it into SQL, which is piped
 * into one psql session ({@link OpenTransaction}) between our own BEGIN and a COMMIT sent only
 * after pg_restore succeeded, or later, when the caller commits a prepared restore. If anything
 * fails, or ragback dies, psql sees no COMMIT and the server rolls everything back.
 */
final class PgRestore {
    private static final Logger LOG = LoggerFactory.getLogger(PgRestore.class);
    private static final String HINT_ROLLED_BACK = "the database was left as it was; fix the cause and run the restore again";

    private final PostgresPrograms programs;
    private final PostgresConnection connection;

    PgRestore(PostgresPrograms programs, PostgresConnection connection) {
        this.programs = programs;
        this.connection = connection;
    }

    void restore(Path archive, DumpTool.RestoreOptions options, LongConsumer progress) {
        failuresMapped(() -> {
            if (options.parallel()) {
                parallel(archive, options);
            } else if (options.downChain().isEmpty()) {
                direct(archive, progress);
            } else {
                OpenTransaction.begin(psql(), connection, prelude(options.downChain()), script(archive), progress).commit();
            }
            return null;
        });
    }

    /** The transaction of an atomic {@link #restore}, left open; see {@link DumpTool#prepare}. */
    DumpTool.PreparedRestore prepare(Path archive, DumpTool.RestoreOptions options, LongConsumer progress) {
        if (options.parallel()) {
            throw new IllegalArgumentException("a parallel restore cannot be one transaction");
        }
        return failuresMapped(() -> OpenTransaction.begin(psql(), connection, prelude(options.downChain()), script(archive), progress));
    }

    /** The down chain as SQL: each escrowed down.sql, then the delete of its {@code schema_migrations} row. */
    static String prelude(List<DumpTool.DownMigration> downChain) {
        StringBuilder sql = new StringBuilder();
        for (DumpTool.DownMigration step : downChain) {
            sql.append("-- down ").append(step.version()).append('\n').append(step.downSql()).append('\n')
                    .append("DELETE FROM schema_migrations WHERE version = '").append(step.version().replace("'", "''"))
                    .append("';\n");
        }
        return sql.toString();
    }

    private interface Work<T> {
        T run() throws IOException, InterruptedException;
    }

    private <T> T failuresMapped(Work<T> work) {
        try {
            return work.run();
        } catch (IOException e) {
            throw RagbackException.external("restore of " + connection.describe() + " failed: "
                    + PostgresFailures.oneLine(e.getMessage(), connection.password()), HINT_ROLLED_BACK, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED,
                    "restore of " + connection.describe() + " was interrupted; it was rolled back");
        }
    }

    /** pg_restore's SQL for the archive, piped into the open session. */
    private OpenTransaction.Script script(Path archive) {
        return (sql, progress) -> {
            Process pgRestore = ChildProcesses.builder(programs.context(), List.of(program("pg_restore"), "--clean", "--if-exists", "--file=-",
                            archive.toString()), java.util.Map.of())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try {
                ChildProcesses.StderrTail restoreErrors = new ChildProcesses.StderrTail(pgRestore.getErrorStream(), LOG, "pg_restore");
                try (InputStream script = pgRestore.getInputStream()) {
                    pump(script, sql, progress);
                }
                int restoreExit = pgRestore.waitFor();
                if (restoreExit != 0) {
                    throw new IOException("pg_restore exited " + restoreExit + ": " + restoreErrors.text() + "; rolled back");
                }
            } finally {
                pgRestore.destroyForcibly();
            }
        };
    }

    /**
     * No down chain: pg_restore talks to the server itself, in one transaction (no COMMIT unless every
     * statement succeeded, so a failure, a kill or a crash leaves the database as it was). Piping its
     * script through psql, as {@link #atomic} must, costs a second client's CPU on every byte.
     */
    private void direct(Path archive, LongConsumer progress) throws IOException, InterruptedException {
        List<String> argv = List.of(program("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
                "--no-password", "--dbname=" + connection.database(), archive.toString());
        Process process = ChildProcesses.builder(programs.context(), argv, connection.childEnvironment())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ChildProcesses.StderrTail errors = new ChildProcesses.StderrTail(process.getErrorStream(), LOG, "pg_restore");
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException("pg_restore exited " + exit + ": " + errors.text() + "; rolled back");
            }
        } finally {
            process.destroyForcibly(); // interrupted: no COMMIT reaches the server, which rolls back
        }
        progress.accept(java.nio.file.Files.size(archive));
    }

    private void parallel(Path archive, DumpTool.RestoreOptions options) throws IOException, InterruptedException {
        if (!options.downChain().isEmpty()) {
            Process psql = psql().start();
            ChildProcesses.StderrTail errors = new ChildProcesses.StderrTail(psql.getErrorStream(), LOG, "psql");
            try (OutputStream sql = psql.getOutputStream()) {
                sql.write(("BEGIN;\n" + prelude(options.downChain()) + "\nCOMMIT;\n").getBytes(StandardCharsets.UTF_8));
            }
            if (psql.waitFor() != 0) {
                throw new IOException(ChildProcesses.failure(psql, errors, "the down chain failed"));
            }
        }
        List<String> argv = new ArrayList<>(List.of(program("pg_restore"), "--clean", "--if-exists", "--exit-on-error",
                "--no-password", "--jobs=" + options.jobs(), "--dbname=" + connection.database(), archive.toString()));
        Process process = ChildProcesses.builder(programs.context(), argv, connection.childEnvironment())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ChildProcesses.StderrTail errors = new ChildProcesses.StderrTail(process.getErrorStream(), LOG, "pg_restore");
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IOException("pg_restore --jobs=" + options.jobs() + " exited " + exit + ": " + errors.text()
                    + " (a parallel restore is not one transaction: the database may be partly restored)");
        }
    }

    private ProcessBuilder psql() {
        return ChildProcesses.builder(programs.context(), List.of(program("psql"), "-X", "-q", "-A", "-t", "--no-password", "-v", "ON_ERROR_STOP=1",
                        "--file=-"), connection.childEnvironment())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }

    // pipes do not answer Thread.interrupt(): Ctrl-C is noticed between two chunks
    private static void pump(InputStream in, OutputStream out, LongConsumer progress) throws IOException, InterruptedException {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted during the restore");
            }
            out.write(buffer, 0, n);
            total += n;
            progress.accept(total);
        }
    }

    private String program(String name) {
        return programs.find(name).orElseThrow(() -> RagbackException.external(name + " not found in "
                + programs.searchedPlaces(), "install the PostgreSQL client programs (Debian: apt-get install postgresql-client)",
                null)).toString();
    }
}
