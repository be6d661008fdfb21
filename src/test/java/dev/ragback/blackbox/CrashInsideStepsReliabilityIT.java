package dev.ragback.blackbox;

import dev.ragback.testing.Processes;
import dev.ragback.testing.RollbackGoldenSet;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.Waits;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * rollback auto killed with SIGKILL (children first) inside a step: during the restore's upload and prepare, between its
 * COMMIT and the alias switch, and while the evaluator runs; --resume ends green without redoing what was done.
 * Kills at each step boundary are in {@link CrashResumeReliabilityIT}.
 */
@RollbackGoldenSet(chunks = CrashResumeStage.CHUNKS)
@BlackBox
class CrashInsideStepsReliabilityIT extends CrashResumeStage {
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
        assertEquals(prepared, qdrant.store().aliases().get("rag_main"),
                "the resume switched the alias into the committed collection");
        assertEquals(uploads, qdrant.recoveries().size(), "the resume did not restore again");
        assertEquals(List.of(List.of("restore_started", ""), List.of("restore_prepared", ""), List.of("restore_postgres_committed", ""),
                List.of("restore_committed", "true")), db.rows("SELECT event_type, coalesce(metadata->>'resumed', '')"
                + " FROM task_events WHERE task_id = '" + runId + "' AND event_type LIKE 'restore\\_%' ORDER BY id"));
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
}
