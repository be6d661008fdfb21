package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code pg_dump --schema-only} of one database, as text, with a timeout. */
final class PgSchemaDump {
    private static final Logger LOG = LoggerFactory.getLogger(PgSchemaDump.class);

    private PgSchemaDump() {
    }

    static List<String> argv(Path program, List<String> excludedTables) {
        List<String> argv = new java.util.ArrayList<>(List.of(program.toString(), "--no-password", "--schema-only"));
        excludedTables.forEach(table -> argv.add("--exclude-table=" + table));
        return argv;
    }

    /** The dump's text; fails EXTERNAL with pg_dump's own message, or after {@code timeout}. */
    static String run(PostgresPrograms programs, PostgresConnection connection, List<String> excludedTables, Duration timeout) {
        Path program = programs.find("pg_dump").orElseThrow(() -> new RagbackException(RagbackException.Kind.EXTERNAL,
                "pg_dump not found in " + programs.searchedPlaces(),
                "install the PostgreSQL client programs (Debian: apt-get install postgresql-client)"));
        List<String> argv = argv(program, excludedTables);
        LOG.debug("running {}", argv);
        Path output = null;
        try {
            // a file, not a pipe: nothing to drain while we wait with a timeout
            output = Files.createTempFile("ragback-schema-", ".sql");
            Process process = ChildProcesses.builder(programs.context(), argv, connection.childEnvironment())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(output.toFile())
                    .start();
            ChildProcesses.StderrTail stderr = new ChildProcesses.StderrTail(process.getErrorStream(), LOG, "pg_dump");
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw failure(connection, "no answer within " + timeout.toSeconds() + "s");
                }
                if (process.exitValue() != 0) {
                    throw failure(connection, "exit " + process.exitValue() + ": "
                            + PostgresFailures.oneLine(stderr.text(), connection.password()));
                }
                return Files.readString(output, StandardCharsets.UTF_8);
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (IOException e) {
            throw failure(connection, PostgresFailures.oneLine(e.getMessage(), connection.password()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "pg_dump --schema-only was interrupted");
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", output, e.getMessage());
                }
            }
        }
    }

    private static RagbackException failure(PostgresConnection connection, String why) {
        return new RagbackException(RagbackException.Kind.EXTERNAL,
                "pg_dump --schema-only of " + connection.describe() + " failed: " + why,
                "check that pg_dump is not older than the server (ragback doctor)");
    }
}
