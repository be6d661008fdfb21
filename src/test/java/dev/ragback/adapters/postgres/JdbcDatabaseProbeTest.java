package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class JdbcDatabaseProbeTest {
    private static final String PGPASSFILE_PROPERTY = "org.postgresql.pgpassfile";

    private final ThrowawayPostgres postgres;
    private final PgDatabase db;
    private final JdbcDatabaseProbe probe;

    JdbcDatabaseProbeTest(ThrowawayPostgres postgres, PgDatabase db) {
        this.postgres = postgres;
        this.db = db;
        this.probe = new JdbcDatabaseProbe(db.connection());
    }

    @Test
    void serverVersionIsTheShortFormOfShowServerVersion() throws Exception {
        String full;
        try (Connection connection = db.connection().open(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW server_version")) {
            rows.next();
            full = rows.getString(1);
        }
        String version = probe.serverVersion();
        assertTrue(version.matches("\\d+\\.\\d+"), version);
        assertTrue(full.startsWith(version), full + " vs " + version);
    }

    @Test
    void tableExistsOnlyAfterCreateTable() {
        assertFalse(probe.tableExists("probe_items"));
        db.execute("CREATE TABLE probe_items (id int)");
        assertTrue(probe.tableExists("probe_items"));
        assertTrue(probe.tableExists("public.probe_items"));
    }

    @Test
    void viewsAreNotTables() {
        db.execute("CREATE VIEW probe_view AS SELECT 1 AS one");
        assertFalse(probe.tableExists("probe_view"));
    }

    @Test
    void tablesStartingWithAPrefixTakeItLiterallyAndFollowTheSearchPath() {
        db.execute("CREATE TABLE rag_chunks (id int)");
        db.execute("CREATE TABLE \"rag_Upper\" (id int)");
        db.execute("CREATE TABLE rag_ingest_runs (id int)");
        db.execute("CREATE TABLE ragback_runs (id int)");   // rag_% unescaped would match it
        db.execute("CREATE TABLE rag1 (id int)");
        db.execute("CREATE VIEW rag_view AS SELECT 1 AS one");
        db.execute("CREATE SCHEMA elsewhere");
        db.execute("CREATE TABLE elsewhere.rag_hidden (id int)");
        assertEquals(List.of("rag_Upper", "rag_chunks", "rag_ingest_runs"), probe.tablesStartingWith("rag_"));
        assertEquals(List.of(), probe.tablesStartingWith("rag_%"));
        db.execute("ALTER DATABASE " + db.name() + " SET search_path = public, elsewhere");
        try {
            assertEquals(List.of("rag_Upper", "rag_chunks", "rag_hidden", "rag_ingest_runs"), probe.tablesStartingWith("rag_"));
        } finally {
            db.execute("ALTER DATABASE " + db.name() + " RESET search_path");
        }
    }

    @Test
    void describeNamesHostPortAndDatabase() {
        assertEquals("127.0.0.1:" + postgres.port() + "/" + db.name(), probe.describe());
    }

    @Test
    void stoppedServerFailsExternalInOneLineWithoutThePassword() {
        JdbcDatabaseProbe down = new JdbcDatabaseProbe(new PostgresConnection(postgres.host(),
                ThrowawayPostgres.closedPort(), postgres.user(), db.name(), postgres.password()));
        RagbackException failure = assertThrows(RagbackException.class, down::serverVersion);
        assertAll(
                () -> assertEquals(RagbackException.Kind.EXTERNAL, failure.kind()),
                () -> assertTrue(failure.getMessage().contains(down.describe()), failure.getMessage()),
                () -> assertFalse(failure.getMessage().contains("\n"), failure.getMessage()),
                () -> assertFalse(failure.getMessage().contains(postgres.password()), failure.getMessage()),
                () -> assertTrue(failure.hint().contains("running"), failure.hint()));
        assertEquals(RagbackException.Kind.EXTERNAL,
                assertThrows(RagbackException.class, () -> down.tableExists("anything")).kind());
    }

    @Test
    void wrongPasswordFailsWithAnAuthenticationHint() {
        PostgresConnection wrong = new PostgresConnection(postgres.host(), postgres.port(), postgres.user(), db.name(),
                "not-" + postgres.password());
        LoginRefusals.startRun();
        RagbackException failure = assertThrows(RagbackException.class, () -> new JdbcDatabaseProbe(wrong).serverVersion());
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("password authentication failed"), failure.getMessage());
        assertTrue(failure.getMessage().contains("; check PGPASSWORD"), failure.getMessage());
        assertFalse(failure.getMessage().contains("FATAL"), failure.getMessage());
        assertFalse(failure.getMessage().contains(postgres.password()), failure.getMessage());

        RagbackException again = assertThrows(RagbackException.class, () -> new JdbcDatabaseProbe(wrong).tableExists("rag_chunks"));
        assertFalse(again.getMessage().contains("password authentication failed"), again.getMessage());
        assertTrue(again.getMessage().contains("refused again"), again.getMessage());
        assertTrue(again.hint().contains("PGPASSWORD"), again.hint());
    }

    @Test
    void withoutAPasswordTheDriverReadsThePgpassFile(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        Path pgpass = Files.writeString(home.resolve(".pgpass"),
                postgres.host() + ":" + postgres.port() + ":*:" + postgres.user() + ":" + postgres.password() + "\n");
        PostgresConnection noPassword = new PostgresConnection(postgres.host(), postgres.port(), postgres.user(), db.name(), null);
        String previous = System.getProperty(PGPASSFILE_PROPERTY);
        System.setProperty(PGPASSFILE_PROPERTY, pgpass.toString());
        try {
            assertTrue(new JdbcDatabaseProbe(noPassword).serverVersion().matches("\\d+\\.\\d+"));
        } finally {
            if (previous == null) {
                System.clearProperty(PGPASSFILE_PROPERTY);
            } else {
                System.setProperty(PGPASSFILE_PROPERTY, previous);
            }
        }
    }

    @Test
    void passwordInATaskDbUrlIsUsedButNeverShown() {
        String url = db.jdbcUrl() + "?user=" + postgres.user() + "&password=" + postgres.password() + "&sslmode=disable";
        PostgresConnection fromUrl = PostgresConnection.fromJdbcUrl(url, "nobody", null);
        JdbcDatabaseProbe taskDb = new JdbcDatabaseProbe(fromUrl);
        assertTrue(taskDb.serverVersion().matches("\\d+\\.\\d+"));
        assertEquals(probe.describe(), taskDb.describe());
        assertFalse(fromUrl.jdbcUrl().contains(postgres.password()), fromUrl.jdbcUrl());
        assertFalse(fromUrl.toString().contains(postgres.password()), fromUrl.toString());
    }

    @Test
    void missingDatabaseFailsWithADatabaseHint() {
        PostgresConnection missing = new PostgresConnection(postgres.host(), postgres.port(), postgres.user(),
                "no_such_db", postgres.password());
        RagbackException failure = assertThrows(RagbackException.class, () -> new JdbcDatabaseProbe(missing).tableExists("x"));
        assertTrue(failure.getMessage().contains("no_such_db"), failure.getMessage());
        assertTrue(failure.hint().contains("PGDATABASE"), failure.hint());
    }
}
