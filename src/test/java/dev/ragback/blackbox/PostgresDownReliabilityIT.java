package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.GoldenSet;
import dev.ragback.testing.Processes;
import dev.ragback.testing.Waits;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.ThrowawayPostgres;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL crashed ({@code pg_ctl stop -m immediate}) under snapshot create, snapshot restore and
 * rollback auto. A cluster of its own, so the shared one of the other test classes stays up. The
 * PostgreSQL programs are held in flight by a session that keeps a lock they need.
 */
@BlackBox
class PostgresDownReliabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHUNKS = "SELECT count(*), md5(string_agg(id || '|' || uri || '|' || model_id || '|' || chunk_index "
            + "|| '|' || content || '|' || embedding::text || '|' || metadata::text || '|' || coalesce(deleted_at::text, '-'), ',' "
            + "ORDER BY id)) FROM rag_chunks";
    private static final String EVENTS = "SELECT id, task_id, event_type, metadata::text FROM task_events ORDER BY id";

    private static final String DATABASE = "ragdb_pgdown";
    private static final int CHUNKS_LOADED = 1200;

    private static ThrowawayPostgres postgres;
    private static GoldenSet golden;

    @TempDir
    Path work;

    private PgDatabase db;
    private QdrantDouble qdrant;
    private RagbackCli cli;
    private Path releases;
    private Connection holder;

    /** The cluster, and the golden set made once in it (v1.1.0 green, a golden snapshot); each test starts from a copy. */
    @BeforeAll
    static void ownClusterAndGoldenSet() throws Exception {
        postgres = ThrowawayPostgres.createPrivate();
        PgDatabase db = postgres.freshDatabase(DATABASE);
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, CHUNKS_LOADED);
        RagFixtures.createTaskEvents(db);
        db.execute("INSERT INTO task_events (task_id, event_type, metadata) VALUES ('audit_1', 'traffic_set', '{\"new\": 100}')");
        Path stage = TempDirs.create("pgdown-golden-");
        try (QdrantDouble qdrant = new QdrantDouble()) {
            RagFixtures.loadPoints(qdrant, CHUNKS_LOADED);
            Path releases = Files.createDirectories(stage.resolve("ops/releases"));
            for (String version : List.of("v1.1.0", "v2.0.0")) {
                Files.createDirectories(releases.resolve(version));
            }
            Files.createSymbolicLink(releases.resolve("current"), Path.of("v1.1.0"));
            Files.createDirectories(stage.resolve("compat"));
            Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), stage.resolve("compat/matrix.md"));
            evaluator(stage);
            RagbackCli cli = RagbackCli.create().workDir(stage).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
            cli.run("release", "mark-green", "v1.1.0").assertExit(0);
            cli.run("snapshot", "create", "--golden").assertExit(0);
        }
        golden = GoldenSet.capture(postgres, db, stage);
    }

    /** {@code dir/eval.sh} and the ops/ragback.yaml that runs it (the path is the directory's own, so each test writes its own). */
    private static void evaluator(Path dir) throws java.io.IOException {
        Files.writeString(dir.resolve("eval.sh"), "echo '{\"faithfulness\": 0.91}'\n");
        Files.writeString(dir.resolve("ops/ragback.yaml"), "eval:\n  command: [\"sh\", \"" + dir.resolve("eval.sh") + "\"]\n"
                + "  timeout: 60s\n");
    }

    @AfterAll
    static void dropCluster() {
        if (golden != null) {
            postgres.start();
            golden.drop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        postgres.start();
        golden.restoreInto(work);
        // a copied database's sequences count on values their template logged: without a checkpoint, a crash
        // would replay task_events' id sequence back to the copy's start and the next insert would collide
        postgres.execute("postgres", "CHECKPOINT");
        db = new PgDatabase(DATABASE, postgres.connection(DATABASE), postgres.env(DATABASE));
        qdrant = new QdrantDouble();
        RagFixtures.loadPoints(qdrant, CHUNKS_LOADED);
        releases = work.resolve("ops/releases");
        evaluator(work);
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString())
                .timeout(java.time.Duration.ofSeconds(180));
    }

    @AfterEach
    void tearDown() {
        closeQuietly(holder);
        holder = null;
        qdrant.close();
        postgres.start();
    }

    @Test
    @Scenario(broken = "PostgreSQL crashed (pg_ctl stop -m immediate) while pg_dump of snapshot create runs",
            expected = "exit 1; last line 'ragback: …' naming pg_dump; no complete set added (list and verify agree)")
    void crashDuringPgDumpLeavesNoCompleteSet(ScenarioOutcome outcome) throws Exception {
        List<String> setsBefore = completeSets();
        db.execute("CREATE TABLE dump_gate (id int)");
        // only pg_dump reads this table, so it waits there while everything before it went through
        holdLock("LOCK TABLE dump_gate IN ACCESS EXCLUSIVE MODE");
        Path io = TempDirs.create("pgdown-create-");
        Process create = cli.start(io, "snapshot", "create", "--label", "pg_down");
        Waits.until(() -> hasDescendant(create, "pg_dump", "--format=custom") && lockWaiters() > 0, "pg_dump waiting on dump_gate");
        postgres.stopImmediately();
        String last = lastLineAfterExit(create, io, 1);
        assertTrue(last.contains("pg_dump") && !last.contains("install"), "the hint points at the server: " + last);
        postgres.start();
        assertEquals(setsBefore, completeSets(), "no set that looks complete");
        try (Stream<Path> dirs = Files.list(work.resolve("backups"))) {
            List<String> leftovers = dirs.map(d -> d.getFileName().toString())
                    .filter(name -> Files.isDirectory(work.resolve("backups").resolve(name)) && !setsBefore.contains(name)
                            && !name.startsWith("."))
                    .toList();
            assertEquals(List.of(), leftovers, "only .tmp-* (or nothing) besides the sets from before");
        }
        cli.run("snapshot", "verify", "--all").assertExit(0);
        cli.run("snapshot", "create").assertExit(0);
        TempDirs.delete(io);
        outcome.observed("exit 1: " + last + "; sets unchanged, verify --all exit 0, next create exit 0").dataIntact(true);
    }

    @Test
    @Scenario(broken = "PostgreSQL crashed (pg_ctl stop -m immediate) while snapshot restore --yes runs the PostgreSQL restore",
            expected = "exit 1; last line 'ragback: …'; after restart rag_chunks and task_events as before; "
                    + "rerun exit 4 naming the stale lease and --break-lock; with it exit 0, verify 0")
    void crashDuringPgRestoreLeavesTheDatabaseAsItWas(ScenarioOutcome outcome) throws Exception {
        db.execute("DELETE FROM rag_chunks WHERE id % 7 = 0; UPDATE rag_chunks SET model_id = 'poisoned' WHERE id % 11 = 0");
        List<List<String>> chunksBefore = db.rows(CHUNKS);
        List<List<String>> eventsBefore = db.rows(EVENTS);
        // the restore's DROP of rag_chunks waits for this reader; everything before it ran in the restore's transaction
        holdLock("SELECT 1 FROM rag_chunks LIMIT 1");
        Path io = TempDirs.create("pgdown-restore-");
        Process restore = cli.start(io, "snapshot", "restore", "--yes");
        Waits.until(() -> hasDescendant(restore, "pg_restore", "--clean") && lockWaiters() > 0, "the restore waiting on rag_chunks");
        postgres.stopImmediately();
        String last = lastLineAfterExit(restore, io, 1);
        boolean qdrantRestored = last.contains("(Qdrant was restored from ");
        assertEquals(qdrantRestored, !"rag_main_v2".equals(qdrant.store().aliases().get("rag_main")),
                "the last line says truly whether the Qdrant half was restored: " + last);
        postgres.start();
        assertEquals(chunksBefore, db.rows(CHUNKS), "rag_chunks as before the restore");
        List<List<String>> eventsAfter = db.rows(EVENTS);
        assertTrue(eventsAfter.containsAll(eventsBefore), "task_events kept: " + eventsAfter);
        // the crashed restore could not remove its lease row; its session is gone, so the lease is stale
        String stale = lastLine(cli.run("snapshot", "restore", "--yes").assertExit(4));
        assertTrue(stale.startsWith("ragback: ") && stale.contains("restore_") && stale.contains("--break-lock"), stale);
        assertEquals(chunksBefore, db.rows(CHUNKS), "the refused restore touched nothing");
        cli.run("snapshot", "restore", "--yes", "--break-lock").assertExit(0);
        cli.run("verify").assertExit(0);
        assertTrue(db.rows(EVENTS).containsAll(eventsBefore), "task_events kept by the second restore");
        assertEquals(List.of(), db.rows("SELECT run_id FROM ragback_leases"), "no lease left after a restore that ended");
        cli.run("snapshot", "restore", "--yes").assertExit(0);
        TempDirs.delete(io);
        outcome.observed("exit 1: " + last + "; database as before; rerun exit 4 naming the stale lease, with --break-lock exit 0, "
                + "verify exit 0").dataIntact(true);
    }

    @Test
    @Scenario(broken = "PostgreSQL (data and TaskDB, holding the run lock) crashed during the restore step of rollback auto",
            expected = "exit 1 naming --resume; traffic 0; after restart a fresh run exits 4 pointing at --resume or --break-lock; "
                    + "--resume exit 0, verify 0; then a fresh run exit 0")
    void crashDuringRollbackThenResumeEndsGreenAndFreesTheLock(ScenarioOutcome outcome) throws Exception {
        List<List<String>> goldenChunks = db.rows(CHUNKS);
        List<String> goldenPoints = points();
        List<List<String>> eventsBefore = db.rows(EVENTS);
        db.execute("DELETE FROM rag_chunks WHERE id % 5 = 0; UPDATE rag_chunks SET model_id = 'poisoned' WHERE id % 9 = 0");
        qdrant.deletePoints("rag_main_v2", 1L, 2L, 3L);
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));
        Files.createDirectories(work.resolve("ops/state"));
        Files.writeString(work.resolve("ops/state/traffic"), "100\n");
        holdLock("SELECT 1 FROM rag_chunks LIMIT 1");
        Path io = TempDirs.create("pgdown-rollback-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> Processes.stdoutSoFar(io).contains("==> restore ") && hasDescendant(run, "pg_restore", "--clean") && lockWaiters() > 0,
                "the rollback's restore waiting on rag_chunks");
        assertEquals(1, db.rows("SELECT 1 FROM ragback_leases WHERE name = 'rollback'").size(), "the run holds the lease");
        postgres.stopImmediately();
        String last = lastLineAfterExit(run, io, 1);
        String runId = Processes.stdoutSoFar(io).replaceAll("(?s).*Rollback (rollback_\\d+).*", "$1");
        assertTrue(runId.matches("rollback_\\d+"), Processes.stdoutSoFar(io));
        assertTrue(last.contains("--resume " + runId), last);
        assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip(), "traffic stays at 0");
        postgres.start();
        String stale = lastLine(cli.run("rollback", "auto", "--reason", "manual", "--yes").assertExit(4));
        assertTrue(stale.startsWith("ragback: ") && stale.contains("--resume " + runId) && stale.contains("--break-lock"), stale);

        RagbackCli.Result resumed = cli.run("rollback", "auto", "--resume", runId, "--yes").assertExit(0);
        cli.run("verify").assertExit(0);
        assertEquals(goldenChunks, db.rows(CHUNKS));
        assertEquals(goldenPoints, points());
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(releases.resolve("current")));
        assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip());
        assertTrue(db.rows(EVENTS).containsAll(eventsBefore), "task_events kept");
        assertEquals(List.of(List.of("succeeded")), db.rows("SELECT metadata->>'outcome' FROM task_events WHERE task_id = '" + runId
                + "' AND event_type = 'rollback_finished' ORDER BY id DESC LIMIT 1"));
        assertEquals(List.of(), db.rows("SELECT run_id FROM ragback_leases"), "the lease is gone after the resumed run");
        cli.run("rollback", "auto", "--reason", "manual", "--yes").assertExit(0);
        TempDirs.delete(io);
        outcome.observed("exit 1: " + last + "; fresh run exit 4: " + stale + "; resume exit 0 (" + lines(resumed.stdout())
                + " lines), verify exit 0, fresh run exit 0")
                .dataIntact(goldenChunks.equals(db.rows(CHUNKS)) && goldenPoints.equals(points()));
    }

    private void holdLock(String sql) throws SQLException {
        holder = db.connection().open();
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.execute(sql);
        }
    }

    private long lockWaiters() {
        try {
            return Long.parseLong(db.rows("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = '"
                    + db.name() + "'").get(0).get(0));
        } catch (Exception e) {
            return 0;
        }
    }

    private static boolean hasDescendant(Process process, String program, String argument) {
        return process.toHandle().descendants().anyMatch(p -> {
            String cmdline = p.info().commandLine().orElse("");
            return cmdline.contains("/" + program + " ") && cmdline.contains(argument);
        });
    }

    /** Waits for the run to end; checks its exit code and that the last stderr line is one clean ragback line. */
    private static String lastLineAfterExit(Process process, Path io, int expectedExit) throws Exception {
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the run ends once PostgreSQL is gone");
        String stderr = Files.readString(io.resolve("stderr"));
        assertEquals(expectedExit, process.exitValue(), stderr);
        List<String> lines = stderr.lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(last.startsWith("ragback: "), stderr);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), stderr);
        return last;
    }

    private static String lastLine(RagbackCli.Result result) {
        List<String> lines = result.stderrLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private List<String> completeSets() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode set : JSON.readTree(cli.run("--json", "snapshot", "list").assertExit(0).stdout())) {
            if ("complete".equals(set.get("status").asText())) {
                ids.add(set.get("id").asText());
            }
        }
        return ids;
    }

    private List<String> points() {
        return qdrant.pointLines("rag_main");
    }

    private static long lines(String text) {
        return text.lines().count();
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the server it talked to may have crashed
            }
        }
    }
}
