package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileWriteException;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.files.HashingOutput;
import dev.ragback.app.files.Permissions;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.DumpTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link DumpTool} backed by the PostgreSQL {@code pg_dump} and {@code pg_restore} programs. */
public final class PgDumpTool implements DumpTool {
    private static final Logger LOG = LoggerFactory.getLogger(PgDumpTool.class);
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern VERSION_LINE = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+(?:\\.\\d+)*)");

    private final PostgresPrograms programs;
    private final PostgresConnection connection;

    /**
     * @param binDir     directory holding pg_dump and pg_restore, or {@code null} to search PATH, then /usr/lib/postgresql/*&#47;bin
     * @param connection the database dumped, or {@code null} when only versions and archives are looked at
     */
    public PgDumpTool(Path binDir, PostgresConnection connection) {
        this(PostgresPrograms.standard(binDir), connection);
    }

    /** As {@link #PgDumpTool(Path, PostgresConnection)}, the programs started in {@code context}. */
    public PgDumpTool(Path binDir, PostgresConnection connection, dev.ragback.adapters.os.ChildContext context) {
        this(PostgresPrograms.standard(binDir, context), connection);
    }

    private PgDumpTool(PostgresPrograms programs, PostgresConnection connection) {
        this.programs = programs;
        this.connection = connection;
    }

    static PgDumpTool searching(PostgresPrograms programs) {
        return new PgDumpTool(programs, null);
    }

    @Override
    public List<FileDigest> dump(DumpOptions options, Path target, String relativePath, LongConsumer progress) {
        if (!options.directoryFormat()) {
            return List.of(dumpArchive(options, FileTarget.file(target), relativePath, progress));
        }
        return run(dumpArgv(dumpProgram(), options, target), process -> awaitDirectory(process, target, relativePath));
    }

    @Override
    public FileDigest dumpArchive(DumpOptions options, FileTarget target, String relativePath, LongConsumer progress) {
        if (options.directoryFormat()) {
            throw new IllegalArgumentException("the directory format cannot be streamed");
        }
        return run(dumpArgv(dumpProgram(), options, null), process -> streamArchive(process, target, relativePath, progress));
    }

    private interface DumpOutput<T> {
        T read(Process process) throws IOException, InterruptedException;
    }

    private <T> T run(List<String> argv, DumpOutput<T> output) {
        if (connection == null) {
            throw new IllegalStateException("no database to dump");
        }
        LOG.debug("running {}", argv);
        try {
            Process process = ChildProcesses.builder(programs.context(), argv, connection.childEnvironment())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            ChildProcesses.StderrTail stderr = new ChildProcesses.StderrTail(process.getErrorStream(), LOG, "pg_dump");
            try {
                T result = output.read(process);
                int exit = process.waitFor();
                if (exit != 0) {
                    throw dumpFailed("pg_dump of " + connection.describe() + " failed (exit " + exit + "): "
                            + PostgresFailures.oneLine(stderr.text(), connection.password()), null);
                }
                return result;
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (FileWriteException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot write the pg_dump output to " + e.file() + ": "
                    + e.getMessage(), "free space in the backups dir or point backups.dir elsewhere", e);
        } catch (IOException e) {
            throw dumpFailed("pg_dump of " + connection.describe() + " failed: "
                    + PostgresFailures.oneLine(e.getMessage(), connection.password()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "pg_dump was interrupted");
        }
    }

    static List<String> dumpArgv(Path program, DumpOptions options, Path target) {
        List<String> argv = new ArrayList<>(List.of(program.toString(), "--no-password",
                "--format=" + (options.directoryFormat() ? "directory" : "custom"),
                "--compress=" + options.compressLevel()));
        if (options.directoryFormat()) {
            argv.add("--jobs=" + options.jobs());
            argv.add("--file=" + target);
        }
        for (String table : options.excludedTables()) {
            argv.add("--exclude-table=" + table);
        }
        return argv;
    }

    // a failed pg_dump must not leave a finished file or object behind: finish only after it exited 0
    private static FileDigest streamArchive(Process process, FileTarget target, String relativePath, LongConsumer progress)
            throws IOException, InterruptedException {
        try (InputStream in = process.getInputStream(); HashingOutput out = target.open(progress)) {
            out.copyFrom(in);
            if (process.waitFor() != 0) {
                return null;
            }
            return out.finish(relativePath);
        }
    }

    private static List<FileDigest> awaitDirectory(Process process, Path target, String relativePath)
            throws IOException, InterruptedException {
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (process.waitFor() != 0 || !Files.isDirectory(target)) {
            return List.of();
        }
        Permissions.ownerOnlyDirectory(target);
        List<FileDigest> digests = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            for (Path file : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                Permissions.ownerOnly(file);
                digests.add(Sha256.of(file, relativePath + "/" + file.getFileName()));
            }
        }
        return digests;
    }

    @Override
    public void restore(Path archive, RestoreOptions options, LongConsumer progress) {
        if (connection == null) {
            throw new IllegalStateException("no database to restore into");
        }
        new PgRestore(programs, connection).restore(archive, options, progress);
    }

    @Override
    public PreparedRestore prepare(Path archive, RestoreOptions options, LongConsumer progress) {
        if (connection == null) {
            throw new IllegalStateException("no database to restore into");
        }
        return new PgRestore(programs, connection).prepare(archive, options, progress);
    }

    @Override
    public void checkReadable(Path archive) {
        Path program = program("pg_restore");
        List<String> argv = List.of(program.toString(), "--file=/dev/null", archive.toString());
        try {
            Process process = ChildProcesses.builder(programs.context(), argv, Map.of())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            ChildProcesses.StderrTail stderr = new ChildProcesses.StderrTail(process.getErrorStream(), LOG, "pg_restore");
            int exit = process.waitFor();
            if (exit != 0) {
                throw new RagbackException(RagbackException.Kind.INTEGRITY,
                        "pg_restore cannot read " + archive + " to the end: " + PostgresFailures.oneLine(stderr.text(), null),
                        "the dump is damaged; restore from another set (ragback snapshot list)");
            }
        } catch (IOException e) {
            throw failure("pg_restore could not run: " + PostgresFailures.oneLine(e.getMessage(), null), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "pg_restore was interrupted");
        }
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
        dev.ragback.adapters.os.CommandRun.Result outcome;
        try {
            outcome = dev.ragback.adapters.os.CommandRun.run(programs.context(), name, List.of(program.toString(), "--version"), VERSION_TIMEOUT);
        } catch (RagbackException e) {
            if (e.kind() == RagbackException.Kind.INTERRUPTED) {
                throw e;
            }
            throw failure(program + " --version failed: " + PostgresFailures.oneLine(e.getMessage(), null), e);
        }
        String output = outcome.stdout() + outcome.stderr();
        String version = parseVersion(output);
        if (outcome.exitCode() != 0 || version == null) {
            throw failure(program + " --version exited " + outcome.exitCode() + " printing '"
                    + PostgresFailures.oneLine(output, null) + "'", null);
        }
        return version;
    }

    private Path program(String name) {
        return programs.find(name).orElseThrow(() -> failure(name + " not found in " + programs.searchedPlaces(), null));
    }

    /** pg_dump ran and failed: the programs are there, so the cause is the server, the network or the disk. */
    private RagbackException dumpFailed(String message, Throwable cause) {
        return new RagbackException(RagbackException.Kind.EXTERNAL, message, "check that PostgreSQL at " + connection.describe()
                + " is up (ragback doctor) and the backups dir has room, then run the snapshot again", cause);
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
