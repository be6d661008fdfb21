package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The all-or-nothing restore against the throwaway cluster. */
@ExtendWith(PostgresExtension.class)
class PgRestoreTest {
    private static final DumpTool.DumpOptions DUMP = new DumpTool.DumpOptions(false, 1, 1,
            List.of("task_events", "task_events_id_seq", "ragback_*"));

    @TempDir
    Path dir;

    private Path archive;

    @BeforeEach
    void fresh(PgDatabase db, ThrowawayPostgres postgres) {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        RagFixtures.migrate(db, "v1.0.0");
        RagFixtures.loadChunks(db, 20000);
        RagFixtures.createTaskEvents(db);
        archive = dir.resolve("ragdb.dump");
        tool(postgres, db).dump(DUMP, archive, "ragdb.dump", n -> { });
    }

    private static PgDumpTool tool(ThrowawayPostgres postgres, PgDatabase db) {
        return new PgDumpTool(postgres.binDir(), db.connection());
    }

    @Test
    void downChainAndRestoreBringTheSchemaAndRowsBackAndKeepTheAuditTrail(PgDatabase db, ThrowawayPostgres postgres) throws Exception {
        Map<String, String> before = rowHashes(db, "rag_chunks", "schema_migrations");
        RagFixtures.migrate(db, "v1.1.0");
        db.execute("DELETE FROM rag_chunks WHERE id % 3 = 0; UPDATE rag_chunks SET content = 'poisoned' WHERE id % 5 = 0");
        db.execute("INSERT INTO task_events (task_id, event_type) VALUES ('during', 'damage')");
        List<DumpTool.DownMigration> down = List.of(new DumpTool.DownMigration("v1.1.0", "DROP INDEX rag_chunks_content_sha256; "
                + "ALTER TABLE rag_chunks DROP COLUMN ingest_run_id; ALTER TABLE rag_chunks DROP COLUMN content_sha256; "
                + "DROP TABLE rag_ingest_runs;"));
        tool(postgres, db).restore(archive, new DumpTool.RestoreOptions(false, 1, down), n -> { });
        assertEquals(before, rowHashes(db, "rag_chunks", "schema_migrations"));
        assertEquals(0, count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'rag_ingest_runs'"));
        assertEquals(0, count(db, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'content_sha256'"));
        assertEquals(1, count(db, "SELECT count(*) FROM task_events WHERE task_id = 'during'"));
    }

    @Test
    void killedPgRestoreLeavesTheDatabaseExactlyAsItWas(PgDatabase db, ThrowawayPostgres postgres) throws Exception {
        db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0");
        killPgRestoreMidway(db, postgres, List.of());
    }

    @Test
    void killedPgRestoreAfterTheDownChainLeavesTheNewerSchemaAndRowsAsTheyWere(PgDatabase db, ThrowawayPostgres postgres)
            throws Exception {
        RagFixtures.migrate(db, "v1.1.0");
        db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0; INSERT INTO rag_ingest_runs (model_id) VALUES ('e5-small')");
        long columns = count(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'rag_chunks'");
        List<DumpTool.DownMigration> down = List.of(new DumpTool.DownMigration("v1.1.0", "DROP INDEX rag_chunks_content_sha256; "
                + "ALTER TABLE rag_chunks DROP COLUMN ingest_run_id; ALTER TABLE rag_chunks DROP COLUMN content_sha256; "
                + "DROP TABLE rag_ingest_runs;"));
        Map<String, String> before = rowHashes(db, "rag_ingest_runs");
        killPgRestoreMidway(db, postgres, down);
        assertEquals(before, rowHashes(db, "rag_ingest_runs"), "the down chain's DROP TABLE was rolled back with the rest");
        assertEquals(columns, count(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'rag_chunks'"));
        assertEquals(1, count(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'rag_chunks_content_sha256'"));
    }

    private void killPgRestoreMidway(PgDatabase db, ThrowawayPostgres postgres, List<DumpTool.DownMigration> downChain) throws Exception {
        Map<String, String> before = rowHashes(db, "rag_chunks", "schema_migrations", "task_events");
        // a lock only the restore's DROP needs keeps pg_restore's SQL flowing but the transaction from finishing
        try (Connection holder = db.connection().open(); Statement lock = holder.createStatement()) {
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE schema_migrations IN ACCESS SHARE MODE");
            CompletableFuture<Void> restore = CompletableFuture.runAsync(() ->
                    tool(postgres, db).restore(archive, new DumpTool.RestoreOptions(false, 1, downChain), n -> { }));
            ProcessHandle pgRestore = waitForChild("pg_restore");
            Thread.sleep(300);
            pgRestore.destroyForcibly();
            holder.rollback();
            ExecutionException failure = assertThrows(ExecutionException.class, () -> restore.get(60, TimeUnit.SECONDS));
            RagbackException e = assertInstanceOf(RagbackException.class, failure.getCause());
            assertTrue(e.getMessage().contains("rolled back") || e.getMessage().contains("pg_restore exited"), e.getMessage());
            assertTrue(e.hint().contains("left as it was"), e.hint());
        }
        assertEquals(before, rowHashes(db, "rag_chunks", "schema_migrations", "task_events"));
    }

    @Test
    void theDownChainDeletesEachRevertedRowQuotingItsVersion() {
        assertEquals("-- down v1'x\nDROP TABLE t;\nDELETE FROM schema_migrations WHERE version = 'v1''x';\n",
                PgRestore.prelude(List.of(new DumpTool.DownMigration("v1'x", "DROP TABLE t;"))));
    }

    @Test
    void failingPreludeRollsEverythingBack(PgDatabase db, ThrowawayPostgres postgres) throws Exception {
        db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0");
        Map<String, String> before = rowHashes(db, "rag_chunks", "schema_migrations");
        RagbackException e = assertThrows(RagbackException.class, () -> tool(postgres, db).restore(archive,
                new DumpTool.RestoreOptions(false, 1,
                        List.of(new DumpTool.DownMigration("v9", "DELETE FROM rag_chunks; DROP TABLE no_such_table;"))), n -> { }));
        assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
        assertEquals(before, rowHashes(db, "rag_chunks", "schema_migrations"));
        assertNotEquals(0, count(db, "SELECT count(*) FROM rag_chunks"));
    }

    static Map<String, String> rowHashes(PgDatabase db, String... tables) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Connection c = db.connection().open(); Statement s = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rows = s.executeQuery("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "
                        + table + " t")) {
                    rows.next();
                    hashes.put(table, rows.getString(1));
                }
            }
        }
        return hashes;
    }

    private static long count(PgDatabase db, String sql) throws Exception {
        try (Connection c = db.connection().open(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static ProcessHandle waitForChild(String name) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            Optional<ProcessHandle> child = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false)).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(25);
        }
        throw new AssertionError(name + " never started");
    }
}
