package dev.ragback.blackbox;

import dev.ragback.testing.GoldenSet;
import dev.ragback.testing.Processes;
import dev.ragback.testing.RollbackGoldenSet;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.Waits;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 item 5: the restore's open transaction holds locks on the restored tables, so readers wait
 * until the COMMIT. With traffic above 0 the plan says so; rollback auto sets traffic to 0 before its
 * restore step begins.
 */
@RollbackGoldenSet(chunks = RestoreTrafficIT.CHUNKS)
@BlackBox
class RestoreTrafficIT {
    static final int CHUNKS = 600;
    private static final String LOCKS = "  locks     until the COMMIT, readers of the restored tables wait on the open transaction's"
            + " locks; stop traffic first: ragback traffic set 0 (make traffic:0)";

    @TempDir
    Path work;

    private PgDatabase db;
    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db, GoldenSet golden) throws Exception {
        this.db = db;
        qdrant = new QdrantDouble();
        RollbackStage.fromGoldenSet(golden, work, qdrant, CHUNKS);
        RollbackStage.evaluator(work, "");
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    @Test
    void withTrafficAboveZeroThePlanSaysReadersWaitForTheCommitAndTheyDo() throws Exception {
        cli.run("traffic", "set", "0", "--yes").assertExit(0);
        assertFalse(cli.run("snapshot", "restore", "--dry-run").assertExit(0).stdout().contains("  locks "),
                "traffic at 0: nobody reads, nothing to say");
        cli.run("traffic", "set", "40", "--yes").assertExit(0);
        assertTrue(cli.run("snapshot", "restore", "--dry-run").assertExit(0).stdout().contains(LOCKS + "\n"));
        RagbackCli.Result json = cli.run("--json", "snapshot", "restore", "--dry-run").assertExit(0);
        assertTrue(json.stderr().contains(LOCKS), "--json keeps stdout to the document: " + json.stderr());

        qdrant.holdUploads();
        Path io = TempDirs.create("restore-traffic-");
        try {
            Process run = cli.start(io, "snapshot", "restore", "--yes");
            // prepared = the restore's open transaction holds rag_chunks; an idle transaction alone may be another session's
            Waits.until(() -> !run.isAlive() || !"0".equals(db.rows("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                    + " WHERE c.relname = 'rag_chunks' AND l.mode = 'AccessExclusiveLock' AND l.granted"
                    + " AND l.pid <> pg_backend_pid()").get(0).get(0)), "PostgreSQL prepared");
            assertTrue(Processes.stdoutSoFar(io).contains(LOCKS + "\n"), Processes.stdoutSoFar(io));
            IllegalStateException blocked = assertThrows(IllegalStateException.class, () -> db.execute(
                    "SET lock_timeout = '300ms'; SELECT count(*) FROM rag_chunks"), "a reader waits on the open transaction");
            assertTrue(blocked.getMessage().contains("lock timeout"), blocked.getMessage());
            qdrant.releaseUploads();
            assertEquals(0, run.waitFor(), Files.readString(io.resolve("stderr")));
        } finally {
            qdrant.releaseUploads();
            TempDirs.delete(io);
        }
        assertEquals(List.of(List.of("600")), db.rows("SELECT count(*) FROM rag_chunks"),
                "after the COMMIT readers go on");
    }

    @Test
    void rollbackAutoSetsTrafficToZeroBeforeItsRestoreBegins() throws Exception {
        RollbackStage.damage(db, qdrant, work); // traffic at 100
        qdrant.holdUploads();
        try {
            // in this JVM (a thread): nothing here needs a process
            CompletableFuture<RagbackCli.Result> run = CompletableFuture.supplyAsync(
                    () -> cli.run("rollback", "auto", "--reason", "manual", "--yes"), command -> new Thread(command, "rollback").start());
            Waits.until(() -> run.isDone() || qdrant.requests().stream().anyMatch(r -> r.path().endsWith("/snapshots/upload")),
                    "the restore's upload");
            assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip(), "traffic while the restore prepares");
            qdrant.releaseUploads();
            RagbackCli.Result result = run.get().assertExit(0);
            assertFalse(result.stdout().contains("  locks "), "traffic is 0 by then: no reader waits");
        } finally {
            qdrant.releaseUploads();
        }
        String runId = db.rows("SELECT task_id FROM task_events WHERE event_type = 'rollback_auto'").get(0).get(0);
        List<String> order = db.rows("SELECT CASE WHEN event_type = 'rollback_step' THEN metadata->>'step' || ' '"
                + " || (metadata->>'status') WHEN event_type = 'traffic_set' THEN 'traffic_set ' || (metadata->>'old') || ' -> '"
                + " || (metadata->>'new') ELSE event_type END FROM task_events WHERE task_id = '" + runId + "' AND (event_type IN"
                + " ('rollback_step', 'traffic_set', 'restore_started', 'restore_postgres_committed')) ORDER BY id")
                .stream().map(row -> row.get(0)).toList();
        assertEquals(List.of("lock started", "lock succeeded", "plan started", "plan succeeded", "traffic_off started",
                "traffic_set 100 -> 0", "traffic_off succeeded", "restore started", "restore_started", "restore_postgres_committed",
                "restore succeeded"), order.subList(0, 11), order.toString());
    }
}
