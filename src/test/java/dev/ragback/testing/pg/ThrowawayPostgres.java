package dev.ragback.testing.pg;

import dev.ragback.adapters.postgres.PostgresConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One throwaway PostgreSQL cluster per test JVM, a copy of a data directory made by initdb once per
 * build ({@link ClusterTemplate}), started with pg_ctl on a free 127.0.0.1 port. The superuser
 * {@link #user()} logs in with {@link #password()} (scram-sha-256), so tests can check that passwords
 * travel correctly. A shutdown hook stops the cluster and deletes its files.
 *
 * <p>Use {@link #shared()} (or {@link PostgresExtension}). The shared cluster is never stopped:
 * other test classes use it at the same time. A test that needs "PostgreSQL is down" points at
 * {@link #closedPort()}; one that stops or crashes the server ({@link #stop()},
 * {@link #stopImmediately()}) takes a cluster of its own from {@link #createPrivate()} and closes it.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final String SUPERUSER = ClusterTemplate.SUPERUSER;
    private static final String MAINTENANCE_DATABASE = "postgres";
    private static final int PG_CTL_WAIT_SECONDS = 60;
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 15);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int START_ATTEMPTS = 3;

    private static ThrowawayPostgres shared;

    private final Path workDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    private final PgProcesses processes;
    private final String password;
    private final boolean sharedCluster;
    private int port;
    private boolean running;

    private ThrowawayPostgres(Path workDir, PgProcesses processes, String password, boolean sharedCluster) {
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.socketDir = workDir.resolve("socket");
        this.logFile = workDir.resolve("server.log");
        this.processes = processes;
        this.password = password;
        this.sharedCluster = sharedCluster;
    }

    /** The cluster of this JVM, created and started on first use; started again if a test left it stopped. */
    public static synchronized ThrowawayPostgres shared() {
        if (shared == null) {
            shared = create(ClusterTemplate.standard(), true);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::destroy, "throwaway-postgres-stop"));
        }
        shared.start();
        return shared;
    }

    /** A started cluster for one test class alone; {@link #close()} stops it and deletes its files. */
    public static ThrowawayPostgres createPrivate() {
        return createPrivate(ClusterTemplate.standard());
    }

    static ThrowawayPostgres createPrivate(ClusterTemplate template) {
        ThrowawayPostgres cluster = create(template, false);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroy, "throwaway-postgres-stop"));
        try {
            cluster.start();
        } catch (RuntimeException e) {
            cluster.destroy();
            throw e;
        }
        return cluster;
    }

    private static ThrowawayPostgres create(ClusterTemplate template, boolean sharedCluster) {
        try {
            Path workDir = Files.createTempDirectory("ragback-pg-");
            byte[] random = new byte[6];
            new SecureRandom().nextBytes(random);
            String password = "rag-test-secret-" + HexFormat.of().formatHex(random);
            ThrowawayPostgres cluster = new ThrowawayPostgres(workDir, new PgProcesses(PgProcesses.findBinDir(), workDir),
                    password, sharedCluster);
            cluster.initialise(template);
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the throwaway PostgreSQL cluster: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the throwaway PostgreSQL cluster", e);
        }
    }

    /** A copy of the template, started and given this cluster's password; initdb when there is no usable template. */
    private void initialise(ClusterTemplate template) throws IOException, InterruptedException {
        Files.createDirectories(socketDir);
        processes.handOver(workDir);
        try {
            Optional<String> templatePassword = template.copyTo(dataDir, processes);
            if (templatePassword.isPresent()) {
                processes.handOver(dataDir);
                start();
                adoptPassword(templatePassword.get());
                return;
            }
        } catch (IOException | SQLException | RuntimeException e) {
            // a test must not fail for a broken template: initdb still makes a cluster
            System.err.println("throwaway PostgreSQL: template in " + template.root().orElse(null) + " unusable, running initdb: " + e);
            stopWith("immediate");
            port = 0;
            ClusterTemplate.deleteRecursively(dataDir);
        }
        ClusterTemplate.initdb(processes, dataDir, password);
    }

    // A copy starts with the template's password (only in a 0600 file in target/); one ALTER ROLE gives it
    // this cluster's own, for a session's cost (~30 ms) where postgres --single would cost as much as initdb.
    // pg_hba stays scram-sha-256 throughout: no trust window for other local users.
    private void adoptPassword(String templatePassword) throws SQLException {
        PostgresConnection asTemplate = new PostgresConnection(HOST, port, SUPERUSER, MAINTENANCE_DATABASE, templatePassword);
        try (Connection session = asTemplate.open(); Statement statement = session.createStatement()) {
            statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + ScramSecret.of(password) + "'");
        }
    }

    /** Starts the server (on the same port as before, if it ran already); does nothing when it runs. */
    public synchronized void start() {
        if (running) {
            return;
        }
        boolean firstStart = port == 0;
        for (int attempt = 1; ; attempt++) {
            try {
                if (firstStart) {
                    port = freePort();
                }
                pgCtl("start", "-l", logFile.toString(), "-o", serverOptions());
                running = true;
                return;
            } catch (IOException e) {
                // another process may have taken the free port between probe and bind
                if (!firstStart || attempt == START_ATTEMPTS) {
                    port = firstStart ? 0 : port;
                    throw new UncheckedIOException(e.getMessage() + "\nserver log:\n" + serverLogTail(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting PostgreSQL", e);
            }
        }
    }

    /**
     * Stops the server (fast shutdown, waits); the data stays, so {@link #start()} brings it back.
     * Only for a {@link #createPrivate()} cluster.
     */
    public synchronized void stop() {
        requirePrivate("stop");
        stopWith("fast");
    }

    /**
     * Crashes the server as {@code pg_ctl stop -m immediate} does: every session is cut without a
     * clean shutdown, and {@link #start()} runs crash recovery. Only for a {@link #createPrivate()} cluster.
     */
    public synchronized void stopImmediately() {
        requirePrivate("crash");
        stopWith("immediate");
    }

    private void requirePrivate(String what) {
        if (this == shared) {
            throw new IllegalStateException("the shared cluster serves other test classes; " + what
                    + " a createPrivate() one, or use closedPort()");
        }
    }

    private void stopWith(String mode) {
        if (!running) {
            return;
        }
        try {
            pgCtl("stop", "-m", mode);
            running = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL", e);
        }
    }

    /** A database of this cluster, created afresh, with what tests need to reach it. */
    public PgDatabase freshDatabase(String name) {
        createDatabase(name);
        return new PgDatabase(name, connection(name), env(name));
    }

    /** Stops a {@link #createPrivate()} cluster and deletes its files; the shared one lives until the JVM ends. */
    @Override
    public void close() {
        if (this != shared) {
            destroy();
        }
    }

    public synchronized boolean isRunning() {
        return running;
    }

    public String host() {
        return HOST;
    }

    public synchronized int port() {
        return port;
    }

    public String user() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    /** Directory of initdb/pg_ctl, with pg_dump and pg_restore of the same version beside them. */
    public Path binDir() {
        return processes.binDir();
    }

    /** Creates {@code name} afresh (dropping any database of that name first). */
    public void createDatabase(String name) {
        copyDatabase(name, "template1");
    }

    /** Creates {@code name} afresh as a copy of {@code template}, ending the sessions of any database of that name first. */
    public void copyDatabase(String name, String template) {
        requireDatabaseName(name);
        requireDatabaseName(template);
        // a template must have no sessions, and this JVM's own would be in the way
        HarnessSessions.close(port(), template);
        HarnessSessions.close(port(), name);
        try {
            HarnessSessions.with(connection(MAINTENANCE_DATABASE), session -> {
                try (Statement statement = session.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                    return statement.execute("CREATE DATABASE " + name + " TEMPLATE " + template + copyStrategy(session));
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot copy database " + template + " to " + name + ": " + e.getMessage(), e);
        }
    }

    // PostgreSQL 15's default strategy, WAL_LOG, writes every block of the template into the WAL: here
    // 130 ms of server CPU per copy of an empty database, against 38 ms for FILE_COPY (fsync is off)
    private static String copyStrategy(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseMajorVersion() >= 15 ? " STRATEGY FILE_COPY" : "";
    }

    public void dropDatabase(String name) {
        requireDatabaseName(name);
        HarnessSessions.close(port(), name);
        execute(MAINTENANCE_DATABASE, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Runs SQL statements (separated by ';') in {@code database} as the superuser. */
    public void execute(String database, String sql) {
        try {
            HarnessSessions.execute(connection(database), sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage() + "\n" + sql, e);
        }
    }

    /** How to reach {@code database} as the superuser, with the password. */
    public PostgresConnection connection(String database) {
        return new PostgresConnection(HOST, port(), SUPERUSER, database, password);
    }

    public String jdbcUrl(String database) {
        return connection(database).jdbcUrl();
    }

    /** PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for a child process. */
    public Map<String, String> env(String database) {
        return new LinkedHashMap<>(connection(database).childEnvironment());
    }

    /** The last lines of the server log, for failure messages. */
    public String serverLogTail() {
        try {
            var lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "ThrowawayPostgres[" + HOST + ":" + port + " data=" + dataDir + (running ? " running" : " stopped") + "]";
    }

    private String serverOptions() {
        // pg_ctl hands -o to a shell, so the temp paths must stay free of spaces (they are)
        // a private cluster is there to be crashed: a commit it acknowledged must survive pg_ctl stop -m immediate
        // (fsync may stay off: the operating system's page cache survives a killed server)
        return "-F -c fsync=off -c full_page_writes=off -c synchronous_commit=" + (sharedCluster ? "off" : "on")
                + " -c listen_addresses=" + HOST + " -p " + port + " -k " + socketDir;
    }

    private void pgCtl(String action, String... options) throws IOException, InterruptedException {
        String[] args = Stream.concat(
                        Stream.of(action, "-D", dataDir.toString(), "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS)),
                        Stream.of(options))
                .toArray(String[]::new);
        processes.run(PG_CTL_TIMEOUT, "pg_ctl", args);
    }

    private synchronized void destroy() {
        try {
            if (running) {
                pgCtl("stop", "-m", "immediate");
                running = false;
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("could not stop the throwaway PostgreSQL at " + dataDir + ": " + e.getMessage());
        }
        HarnessSessions.close(port, null);
        ClusterTemplate.deleteRecursively(workDir);
    }

    /**
     * A loopback port nothing listens on: "PostgreSQL is down" for one test, without stopping the
     * cluster that the other tests of the run share.
     */
    public static int closedPort() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void requireDatabaseName(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("test database names are [a-z_][a-z0-9_]*, at most 63: " + name);
        }
    }
}
