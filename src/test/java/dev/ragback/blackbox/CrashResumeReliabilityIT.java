package dev.ragback.blackbox;

import dev.ragback.testing.Processes;
import dev.ragback.testing.Waits;
import dev.ragback.testing.GoldenSet;
import dev.ragback.testing.RollbackGoldenSet;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rollback auto killed with SIGKILL (children first) at each step boundary and inside restore and eval; --resume ends green. */
@RollbackGoldenSet(chunks = CrashResumeReliabilityIT.CHUNKS)
@BlackBox
class CrashResumeReliabilityIT {
    static final int CHUNKS = 1500;


    @TempDir
    Path work;

    private PgDatabase db;
    private QdrantDouble qdrant;
    private RagbackCli cli;
    private Path releases;
    private List<List<String>> goldenRows;
    private List<String> goldenPoints;

    /** From the class's golden set (schema v1.1.0, releases v1.0.0, v1.1.0 green and current, v2.0.0), then the bad change. */
    @BeforeEach
    void setUp(PgDatabase db, GoldenSet golden) throws Exception {
        this.db = db;
        qdrant = new QdrantDouble();
        RollbackStage.fromGoldenSet(golden, work, qdrant, CHUNKS);
        releases = work.resolve("ops/releases");
        RollbackStage.evaluator(work, "");
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
        goldenRows = db.rows(RollbackStage.SECTION_7);
        goldenPoints = points();
        RollbackStage.damage(db, qdrant, work);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    @ParameterizedTest(name = "killed right after ==> {0}")
    @ValueSource(strings = {"traffic_off", "restore", "revert", "smoke", "eval", "report"})
    @Scenario(broken = "kill -9 of rollback auto (and its children) right after a step starts: traffic_off, restore, revert, smoke, eval, report",
            expected = "--resume exit 0; verify exit 0; current = green release; traffic 0; stores equal the golden set")
    void killedAtAStepBoundaryThenResumeEndsGreen(String step, ScenarioOutcome outcome) throws Exception {
        if (step.equals("eval")) {
            Files.writeString(work.resolve("hang"), "");
        }
        Path io = TempDirs.create("crash-" + step + "-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> Processes.stdoutSoFar(io).contains("==> " + step + " ") || !run.isAlive(), "==> " + step);
        String killed = kill(run);
        Files.deleteIfExists(work.resolve("hang"));
        if (!step.equals("traffic_off")) {
            assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip(), "traffic after the kill");
        }
        String resumed = resumeAndCheck(io);
        outcome.observed("after ==> " + step + ": " + killed + "; " + resumed).dataIntact(storesEqualGolden());
    }

    @Test
    @Scenario(broken = "kill -9 of rollback auto while Qdrant receives the snapshot upload (the double holds it)",
            expected = "--resume exit 0; verify exit 0; current = green release; traffic 0; stores equal the golden set")
    void killedDuringTheQdrantUploadThenResumeEndsGreen(ScenarioOutcome outcome) throws Exception {
        Path io = TempDirs.create("crash-upload-");
        // only the upload waits: a delay on every answer made the steps before it take seconds each
        qdrant.holdUploads();
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> Processes.stdoutSoFar(io).contains("==> restore "), "==> restore");
        Waits.until(() -> qdrant.requests().stream().anyMatch(r -> r.path().contains("/snapshots/upload")), "the snapshot upload");
        Thread.sleep(300);
        String killed = kill(run);
        qdrant.resetFaults();
        String resumed = resumeAndCheck(io);
        outcome.observed("mid upload: " + killed + "; " + resumed).dataIntact(storesEqualGolden());
    }

    @Test
    @Scenario(broken = "kill -9 of rollback auto during the restore's prepare: PostgreSQL's transaction open, the upload under way",
            expected = "PostgreSQL rolled back by the server; --resume starts the restore again; exit 0; stores equal the golden set")
    void killedDuringPrepareThenResumeStartsTheRestoreAgain(ScenarioOutcome outcome) throws Exception {
        List<List<String>> damagedRows = db.rows(RollbackStage.SECTION_7);
        qdrant.holdUploads();
        Path io = TempDirs.create("crash-prepare-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> !run.isAlive() || qdrant.requests().stream().anyMatch(r -> r.path().endsWith("/snapshots/upload"))
                && "1".equals(db.rows("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'idle in transaction'").get(0).get(0)), "PostgreSQL prepared and the upload under way");
        String killed = kill(run);
        Waits.until(() -> "0".equals(db.rows("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state LIKE 'idle in transaction%'").get(0).get(0)), "the server to end the orphaned session");
        assertEquals(damagedRows, db.rows(RollbackStage.SECTION_7), "killed during prepare: PostgreSQL was not changed");
        qdrant.releaseUploads();
        String resumed = resumeAndCheck(io);
        List<String> restoredInto = qdrant.store().names().stream().filter(n -> n.contains("_r")).toList();
        assertEquals(List.of(qdrant.store().aliases().get("rag_main")), restoredInto, "only the live restored collection is left");
        outcome.observed("mid prepare: " + killed + ", PostgreSQL unchanged; " + resumed).dataIntact(storesEqualGolden());
    }

    @Test
    @Scenario(broken = "kill -9 of rollback auto after the restore's COMMIT, before the alias switch (the double holds the switch)",
            expected = "--resume finishes the switch without a second upload; exit 0; verify exit 0; stores equal the golden set")
    void killedBetweenCommitAndAliasSwitchThenResumeFinishesTheSwitch(ScenarioOutcome outcome) throws Exception {
        qdrant.holdAliasChanges();
        Path io = TempDirs.create("crash-commit-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> !run.isAlive() || qdrant.aliasChangesWaiting() > 0, "the alias switch after the COMMIT");
        String killed = kill(run);
        qdrant.resetFaults(); // the held switch answers 503 to nobody: it never happened
        String runId = Processes.stdoutSoFar(io).replaceAll("(?s).*Rollback (rollback_\\d+).*", "$1");
        assertEquals(goldenRows, db.rows(RollbackStage.SECTION_7), "PostgreSQL was committed before the kill");
        assertEquals("rag_main_v2", qdrant.store().aliases().get("rag_main"), "the alias was not switched");
        String prepared = db.rows("SELECT metadata->>'collection' FROM task_events WHERE task_id = '" + runId
                + "' AND event_type = 'restore_postgres_committed'").get(0).get(0);
        int uploads = qdrant.recoveries().size();

        String resumed = resumeAndCheck(io);
        assertEquals(prepared, qdrant.store().aliases().get("rag_main"), "the resume switched the alias into the committed collection");
        assertEquals(uploads, qdrant.recoveries().size(), "the resume did not restore again");
        assertEquals(List.of(List.of("restore_started", ""), List.of("restore_prepared", ""), List.of("restore_postgres_committed", ""),
                List.of("restore_committed", "true")), db.rows("SELECT event_type, coalesce(metadata->>'resumed', '') FROM task_events"
                + " WHERE task_id = '" + runId + "' AND event_type LIKE 'restore\\_%' ORDER BY id"));
        assertEquals(List.of(List.of("started"), List.of("started"), List.of("succeeded")), db.rows("SELECT metadata->>'status'"
                + " FROM task_events WHERE task_id = '" + runId + "' AND event_type = 'rollback_step' AND metadata->>'step' = 'restore'"
                + " ORDER BY id"), "killed once inside the restore step, then finished by the resume");
        outcome.observed("after the COMMIT: " + killed + ", PostgreSQL committed, alias unmoved; " + resumed
                + "; alias switched by the resume").dataIntact(storesEqualGolden());
    }

    @Test
    @Scenario(broken = "kill -9 of rollback auto while the evaluator runs (it sleeps)",
            expected = "evaluator gone with it; --resume exit 0 without a second restore; verify exit 0; traffic 0")
    void killedDuringEvalThenResumeSkipsTheRestore(ScenarioOutcome outcome) throws Exception {
        Files.writeString(work.resolve("hang"), "");
        Path io = TempDirs.create("crash-eval-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> Processes.stdoutSoFar(io).contains("==> eval "), "==> eval");
        Waits.until(() -> run.toHandle().descendants().anyMatch(p -> p.info().commandLine().orElse("").contains("eval.sh")), "the evaluator");
        List<ProcessHandle> children = run.toHandle().descendants().toList();
        String killed = kill(run);
        Waits.until(() -> children.stream().noneMatch(ProcessHandle::isAlive), "the evaluator to die");
        Files.deleteIfExists(work.resolve("hang"));
        int recoveries = qdrant.recoveries().size();
        String resumed = resumeAndCheck(io);
        assertEquals(recoveries, qdrant.recoveries().size(), "the restore was not done again");
        outcome.observed("mid eval: " + killed + "; " + resumed + "; no second upload").dataIntact(storesEqualGolden());
    }

    private String kill(Process run) throws Exception {
        boolean alive = run.isAlive();
        run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly().waitFor();
        return alive ? "killed (exit " + run.exitValue() + ")" : "finished before the kill (exit " + run.exitValue() + ")";
    }

    private String resumeAndCheck(Path io) throws Exception {
        String stdout = Processes.stdoutSoFar(io);
        String runId = stdout.replaceAll("(?s).*Rollback (rollback_\\d+).*", "$1");
        assertTrue(runId.matches("rollback_\\d+"), stdout);
        RagbackCli.Result resumed = cli.run("rollback", "auto", "--resume", runId, "--yes").assertExit(0);
        cli.run("verify").assertExit(0);
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(releases.resolve("current")));
        assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip());
        assertEquals(goldenRows, db.rows(RollbackStage.SECTION_7));
        assertEquals(goldenPoints, points());
        assertEquals("succeeded", db.rows("SELECT metadata->>'outcome' FROM task_events WHERE task_id = '" + runId
                + "' AND event_type = 'rollback_finished' ORDER BY id DESC LIMIT 1").get(0).get(0));
        assertTrue(resumed.stdout().contains("traffic_off"), resumed.stdout());
        TempDirs.delete(io);
        return "resume exit 0, verify exit 0, current v1.1.0, traffic 0";
    }

    private boolean storesEqualGolden() throws Exception {
        return goldenRows.equals(db.rows(RollbackStage.SECTION_7)) && goldenPoints.equals(points());
    }

    private List<String> points() {
        return qdrant.pointLines("rag_main");
    }
}
