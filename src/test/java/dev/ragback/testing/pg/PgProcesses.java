package dev.ragback.testing.pg;

import dev.ragback.adapters.postgres.PostgresPrograms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the PostgreSQL server programs for {@link ThrowawayPostgres}. initdb and postgres refuse
 * to run as root, so as root every program runs through {@code runuser -u postgres --}.
 */
final class PgProcesses {
    private static final String SERVER_USER = "postgres";

    private final Path binDir;
    private final Path workDir;
    private final boolean asServerUser;

    PgProcesses(Path binDir, Path workDir) {
        this.binDir = binDir;
        this.workDir = workDir;
        this.asServerUser = "root".equals(System.getProperty("user.name"));
    }

    Path binDir() {
        return binDir;
    }

    /** Hands {@code dir} and everything below it to the server user when we run as root. */
    void handOver(Path dir) throws IOException {
        if (!asServerUser) {
            return;
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName(SERVER_USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(SERVER_USER);
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                view.setOwner(owner);
                view.setGroup(group);
            }
        }
    }

    /** Runs {@code program args...} from the bin dir; fails with its output when it fails or hangs. */
    String run(Duration timeout, String program, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (asServerUser) {
            argv.addAll(List.of("runuser", "-u", SERVER_USER, "--"));
        }
        argv.add(binDir.resolve(program).toString());
        argv.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, program + "-", ".out");
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the PG* variables of the developer's shell must not steer the throwaway cluster
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        Process process = builder.start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (!finished) {
            throw new IOException(String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s:\n" + printed);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + process.exitValue() + ":\n" + printed);
        }
        return printed;
    }

    /**
     * The directory with initdb and pg_ctl: sysprop {@code ragback.pg.bin}, else PATH (symlinks
     * resolved, so pg_dump of the same version sits beside them), else the newest
     * {@code /usr/lib/postgresql/N/bin}.
     */
    static Path findBinDir() throws IOException {
        String configured = System.getProperty("ragback.pg.bin");
        PostgresPrograms programs = PostgresPrograms.standard(configured == null || configured.isBlank() ? null : Path.of(configured));
        Path initdb = programs.find("initdb").orElseThrow(() -> new IOException(
                "initdb not found in " + programs.searchedPlaces() + "; install postgresql (Debian) or set -Dragback.pg.bin"));
        return initdb.toRealPath().getParent();
    }
}
