package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link DumpTool} backed by the PostgreSQL {@code pg_dump} and {@code pg_restore} programs. */
public final class PgDumpTool implements DumpTool {
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern VERSION_LINE = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+(?:\\.\\d+)*)");

    private final PostgresPrograms programs;

    /** @param binDir directory holding pg_dump and pg_restore, or {@code null} to search PATH, then /usr/lib/postgresql/*&#47;bin */
    public PgDumpTool(Path binDir) {
        this.programs = PostgresPrograms.standard(binDir);
    }

    private PgDumpTool(PostgresPrograms programs) {
        this.programs = programs;
    }

    static PgDumpTool searching(PostgresPrograms programs) {
        return new PgDumpTool(programs);
    }

    @Override
    public String dumpVersion() {
        return versionOf("pg_dump");
    }

    @Override
    public String restoreVersion() {
        return versionOf("pg_restore");
    }

    /** The pg_dump program that will run; fails EXTERNAL when there is none. */
    Path dumpProgram() {
        return program("pg_dump");
    }

    /** {@code "pg_dump (PostgreSQL) 15.18 (Debian 15.18-1.pgdg120+1)"} becomes {@code "15.18"}; null when absent. */
    static String parseVersion(String output) {
        Matcher matcher = VERSION_LINE.matcher(output);
        return matcher.find() ? matcher.group(1) : null;
    }

    private String versionOf(String name) {
        Path program = program(name);
        ToolRun.Outcome outcome;
        try {
            outcome = ToolRun.run(List.of(program.toString(), "--version"), VERSION_TIMEOUT);
        } catch (IOException e) {
            throw failure(program + " --version failed: " + PostgresFailures.oneLine(e.getMessage(), null), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, program + " --version was interrupted");
        }
        String version = parseVersion(outcome.output());
        if (outcome.exitCode() != 0 || version == null) {
            throw failure(program + " --version exited " + outcome.exitCode() + " printing '"
                    + PostgresFailures.oneLine(outcome.output(), null) + "'", null);
        }
        return version;
    }

    private Path program(String name) {
        return programs.find(name).orElseThrow(() -> failure(name + " not found in " + programs.searchedPlaces(), null));
    }

    private static RagbackException failure(String message, Throwable cause) {
        return new RagbackException(RagbackException.Kind.EXTERNAL, message,
                "install the PostgreSQL client programs (Debian: apt-get install postgresql-client)", cause);
    }

    @Override
    public String toString() {
        return "PgDumpTool[" + programs.searchedPlaces() + "]";
    }
}
