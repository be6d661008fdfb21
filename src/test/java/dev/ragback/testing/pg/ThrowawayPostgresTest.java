package dev.ragback.testing.pg;

import dev.ragback.app.RagbackException;
import dev.ragback.adapters.postgres.JdbcDatabaseProbe;
import dev.ragback.adapters.postgres.PostgresConnection;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class ThrowawayPostgresTest {
    private static final AtomicInteger FIRST_PORT_SEEN = new AtomicInteger();

    @Test
    void stopMakesItUnreachableAndStartBringsItBackOnTheSamePort() {
        try (ThrowawayPostgres postgres = ThrowawayPostgres.createPrivate()) {
            int port = postgres.port();
            PgDatabase db = postgres.freshDatabase("survives_restart");
            db.execute("CREATE TABLE survives_restart (id int)");
            JdbcDatabaseProbe probe = new JdbcDatabaseProbe(db.connection());
            postgres.stop();
            assertFalse(postgres.isRunning());
            assertThrows(RagbackException.class, probe::serverVersion);
            postgres.start();
            assertTrue(postgres.isRunning());
            assertEquals(port, postgres.port());
            assertTrue(probe.tableExists("survives_restart"));
        }
    }

    @Test
    void aClosedPortIsRefused() {
        assertThrows(ConnectException.class,
                () -> new Socket("127.0.0.1", ThrowawayPostgres.closedPort()).close());
    }

    @Test
    void theSharedClusterCannotBeStoppedCrashedOrClosedByOneTestClass(ThrowawayPostgres postgres) {
        assertThrows(IllegalStateException.class, postgres::stop);
        assertThrows(IllegalStateException.class, postgres::stopImmediately);
        postgres.close();
        assertTrue(postgres.isRunning(), "other test classes still use it");
    }

    @Test
    void theSharedClusterIsOnePerJvm(ThrowawayPostgres postgres) {
        assertSameClusterAsOtherClasses(postgres);
        assertEquals("127.0.0.1", postgres.host());
        assertTrue(postgres.password().startsWith("rag-test-secret-"));
    }

    @Test
    void childProcessesReachItThroughTheEnvironment(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        List<String> argv = new ArrayList<>(List.of(postgres.binDir().resolve("psql").toString(),
                "-X", "-tA", "-c", "SELECT current_user || '@' || current_database()"));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().putAll(db.env());
        builder.environment().put("PGPASSFILE", "/nonexistent");
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), output);
        assertEquals(postgres.user() + "@" + db.name(), output);
    }

    @Test
    void theSuperuserLogsInThroughScramOfFewRoundsAndAWrongPasswordIsRefused(ThrowawayPostgres postgres, PgDatabase db) {
        assertEquals(List.of(List.of("SCRAM-SHA-256$" + ScramSecret.TEST_ITERATIONS + ":")),
                db.rows("SELECT substr(rolpassword, 1, 17) FROM pg_authid WHERE rolname = current_user"));
        PostgresConnection wrong = new PostgresConnection(postgres.host(), postgres.port(), postgres.user(), db.name(),
                postgres.password() + "x");
        RagbackException refused = assertThrows(RagbackException.class, wrong::open);
        assertTrue(refused.getMessage().contains("password authentication failed"), refused.getMessage());
    }

    @Test
    void aCopiedDatabaseHoldsTheTemplatesRowsReplacesAnOpenCopyAndIsNotWrittenThroughTheWal(ThrowawayPostgres postgres,
                                                                                            PgDatabase db) throws Exception {
        db.execute("DROP TABLE IF EXISTS copied; CREATE TABLE copied (id int); INSERT INTO copied SELECT generate_series(1, 1000)");
        String copy = db.name() + "_copy";
        postgres.createDatabase(copy);
        try (java.sql.Connection open = postgres.connection(copy).open()) {
            String before = db.rows("SELECT pg_current_wal_lsn()").get(0).get(0);
            postgres.copyDatabase(copy, db.name());
            long walBytes = Long.parseLong(db.rows("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + before + "')::bigint")
                    .get(0).get(0));
            long copied = Long.parseLong(db.rows("SELECT pg_database_size('" + copy + "')").get(0).get(0));
            assertTrue(walBytes < copied / 4, "WAL written " + walBytes + " for a copy of " + copied + " bytes (STRATEGY FILE_COPY)");
            assertFalse(open.isValid(5), "the session on the replaced copy was ended");
            PgDatabase copyOfDb = new PgDatabase(copy, postgres.connection(copy), postgres.env(copy));
            assertEquals(List.of(List.of("1000")), copyOfDb.rows("SELECT count(*) FROM copied"));
        } finally {
            postgres.dropDatabase(copy);
            db.execute("DROP TABLE copied");
        }
    }

    @Test
    void eachTestClassGetsItsOwnFreshDatabase(PgDatabase db) {
        assertEquals("ragdb_throwawaypostgrestest", db.name());
        assertEquals(db.name(), db.env().get("PGDATABASE"));
    }

    @Test
    void binDirHoldsTheDumpPrograms(ThrowawayPostgres postgres) {
        assertTrue(Files.isExecutable(postgres.binDir().resolve("pg_dump")));
        assertTrue(Files.isExecutable(postgres.binDir().resolve("pg_restore")));
    }

    /** Two test classes in the same JVM see one cluster: the same port, different databases. */
    @Nested
    class FirstClass {
        @Test
        void sharesTheCluster(ThrowawayPostgres postgres, PgDatabase db) {
            assertSameClusterAsOtherClasses(postgres);
            assertEquals("ragdb_firstclass", db.name());
        }
    }

    @Nested
    class SecondClass {
        @Test
        void sharesTheCluster(ThrowawayPostgres postgres, PgDatabase db) {
            assertSameClusterAsOtherClasses(postgres);
            assertNotEquals("ragdb_firstclass", db.name());
            new JdbcDatabaseProbe(db.connection()).serverVersion();
        }
    }

    private static void assertSameClusterAsOtherClasses(ThrowawayPostgres postgres) {
        FIRST_PORT_SEEN.compareAndSet(0, postgres.port());
        assertEquals(FIRST_PORT_SEEN.get(), postgres.port());
        assertSame(ThrowawayPostgres.shared(), postgres);
    }
}
