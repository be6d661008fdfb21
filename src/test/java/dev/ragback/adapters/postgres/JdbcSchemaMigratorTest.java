package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.migrate.SchemaDiff;
import dev.ragback.app.port.AppliedMigrations.Applied;
import dev.ragback.app.port.SchemaMigrator;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class JdbcSchemaMigratorTest {
    private static final String DB = "ragdb_schemamigrator";
    private static final String UP = "CREATE TABLE runs (id bigserial PRIMARY KEY);\n\nCREATE INDEX runs_by_id ON runs (id);\n";
    private static final String DOWN = "DROP INDEX runs_by_id;\nDROP TABLE runs;\n";

    private final ThrowawayPostgres postgres;
    private JdbcSchemaMigrator migrator;

    JdbcSchemaMigratorTest(ThrowawayPostgres postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void freshDatabase() {
        postgres.createDatabase(DB);
        migrator = new JdbcSchemaMigrator(postgres.connection(DB), postgres.binDir(), Duration.ofMinutes(1));
    }

    private static SchemaMigrator.Migration migration(String version, String up, String down) {
        return new SchemaMigrator.Migration(version, up, Sha256.ofText(up), down, Sha256.ofText(down));
    }

    private String query(String database, String sql) throws Exception {
        try (Connection db = postgres.connection(database).open(); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private boolean tableExists(String table) throws Exception {
        return "t".equals(query(DB, "SELECT to_regclass('" + table + "') IS NOT NULL"));
    }

    @Test
    void applyRunsTheScriptAndWritesTheRowInOneGo() throws Exception {
        assertTrue(migrator.applied().isEmpty(), "no table yet reads as no rows");
        migrator.apply(migration("v1.0.0", UP, DOWN));
        assertTrue(tableExists("runs"));
        List<Applied> rows = migrator.applied();
        assertEquals(1, rows.size());
        Applied row = rows.get(0);
        assertAll(
                () -> assertEquals("v1.0.0", row.version()),
                () -> assertEquals(Sha256.ofText(UP), row.upSha256()),
                () -> assertEquals(Sha256.ofText(DOWN), row.downSha256()),
                () -> assertEquals(DOWN, row.downSql()),
                () -> assertFalse(row.dirty()),
                () -> assertTrue(row.appliedAt() != null));
        RagbackException twice = assertThrows(RagbackException.class, () -> migrator.apply(migration("v1.0.0", UP, DOWN)));
        assertEquals(RagbackException.Kind.EXTERNAL, twice.kind());
        assertTrue(twice.getMessage().contains("already has a row"), twice.getMessage());
    }

    @Test
    void aFailingUpIsRolledBackThenMarkedDirtyNamingLineAndStatement() throws Exception {
        String broken = "CREATE TABLE half (id int);\n\nALTER TABLE half\n    ADD COLUMN x int REFERENCES nope (id);\n";
        SchemaMigrator.StatementFailed failure = assertThrows(SchemaMigrator.StatementFailed.class,
                () -> migrator.apply(migration("v1.1.0", broken, "DROP TABLE half;")));
        assertAll(
                () -> assertEquals(3, failure.line(), failure.getMessage()),
                () -> assertEquals("ALTER TABLE half\n    ADD COLUMN x int REFERENCES nope (id)", failure.statement()),
                () -> assertEquals("ERROR: relation \"nope\" does not exist", failure.detail()),
                () -> assertTrue(failure.markedDirty()),
                () -> assertEquals(RagbackException.Kind.EXTERNAL, failure.kind()));
        assertFalse(tableExists("half"), "the statement before the failing one was rolled back");
        Applied row = migrator.applied().get(0);
        assertTrue(row.dirty());
        assertEquals("DROP TABLE half;", row.downSql());
    }

    @Test
    void anErrorPositionPointsAtItsLine() {
        String typo = "CREATE TABLE a (\n    id int,\n    name txet\n);";
        SchemaMigrator.StatementFailed failure = assertThrows(SchemaMigrator.StatementFailed.class,
                () -> migrator.apply(migration("v1.0.0", typo, "DROP TABLE a;")));
        assertEquals(3, failure.line());
        assertEquals("ERROR: type \"txet\" does not exist", failure.detail());
    }

    @Test
    void revertRunsTheDownSqlAndDeletesTheRow() throws Exception {
        migrator.apply(migration("v1.0.0", UP, DOWN));
        migrator.revert("v1.0.0", DOWN);
        assertFalse(tableExists("runs"));
        assertTrue(migrator.applied().isEmpty());
        RagbackException gone = assertThrows(RagbackException.class, () -> migrator.revert("v1.0.0", DOWN));
        assertTrue(gone.getMessage().contains("has no row"), gone.getMessage());
    }

    @Test
    void aFailingDownIsRolledBackAndMarksTheRowDirty() throws Exception {
        migrator.apply(migration("v1.0.0", UP, DOWN));
        assertThrows(SchemaMigrator.StatementFailed.class, () -> migrator.revert("v1.0.0", "DROP INDEX runs_by_id;\nDROP TABLE nope;"));
        assertEquals("t", query(DB, "SELECT to_regclass('runs_by_id') IS NOT NULL"), "the index drop was rolled back");
        assertTrue(migrator.applied().get(0).dirty());
        RagbackException refused = assertThrows(RagbackException.class, () -> migrator.revert("v1.0.0", DOWN));
        assertTrue(refused.getMessage().contains("marks it dirty"), refused.getMessage());
    }

    @Test
    void aMigrationThatMovesSearchPathStillWritesItsOwnRow() throws Exception {
        String up = "CREATE SCHEMA rag;\nSET search_path = rag;\nCREATE TABLE inside (id int);";
        migrator.apply(migration("v1.0.0", up, "DROP SCHEMA rag CASCADE;"));
        assertEquals("1", query(DB, "SELECT count(*) FROM public.schema_migrations"));
        assertTrue(tableExists("rag.inside"));
        assertEquals("v1.0.0", migrator.currentVersion().orElseThrow());
    }

    @Test
    void schemaDumpLeavesSchemaMigrationsOutAndIsStable() {
        migrator.apply(migration("v1.0.0", UP, DOWN));
        String dump = migrator.schemaDump();
        assertTrue(dump.contains("CREATE TABLE public.runs"), dump);
        assertFalse(dump.contains("schema_migrations"), dump);
        assertEquals(SchemaDiff.normalise(dump), SchemaDiff.normalise(migrator.schemaDump()));
    }

    @Test
    void scratchDatabasesAreCreatedUsableAndDropped() throws Exception {
        String name = "ragback_verify_adaptertest";
        SchemaMigrator scratch = migrator.createScratch(name);
        try {
            assertEquals("1", query("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"));
            scratch.apply(migration("v1.0.0", UP, DOWN));
            assertTrue(scratch.schemaDump().contains("CREATE TABLE public.runs"));
            assertTrue(migrator.applied().isEmpty(), "the live database is untouched");
            assertTrue(scratch.describe().endsWith("/" + name));
        } finally {
            migrator.dropScratch(name);
        }
        assertEquals("0", query("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"));
        migrator.dropScratch(name);
    }

    @Test
    void aRoleThatMayNotCreateDatabasesGetsAHint() {
        postgres.execute(DB, "DROP ROLE IF EXISTS migrate_nocreate; CREATE ROLE migrate_nocreate LOGIN PASSWORD 'pw-nocreate'");
        PostgresConnection weak = new PostgresConnection(postgres.host(), postgres.port(), "migrate_nocreate", DB, "pw-nocreate");
        RagbackException failure = assertThrows(RagbackException.class,
                () -> new JdbcSchemaMigrator(weak, postgres.binDir(), Duration.ofMinutes(1)).createScratch("ragback_verify_denied"));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.hint().contains("CREATEDB"), failure.hint());
    }
}
