package dev.ragback.app.rollback;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.checks.SmokeService;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.LiveSources;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeEvalRunner;
import dev.ragback.app.fakes.FakeReleaseSwitch;
import dev.ragback.app.fakes.FakeTrafficSwitch;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.HttpProbe;
import dev.ragback.app.port.RunLock;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.restore.RestoreService;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.app.traffic.TrafficService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rollback auto with in-memory fakes: the journal, failures, resume, and every step run twice. */
class RollbackServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private final FakeAuditLog audit = new FakeAuditLog();
    private final FakeTrafficSwitch traffic = new FakeTrafficSwitch();
    private final FakeReleaseSwitch releases = new FakeReleaseSwitch().with("v1.0.0", true).with("v1.1.0", false).current("v1.1.0");
    private final FakeEvalRunner evaluator = new FakeEvalRunner();
    private final List<RunReporter.RunSummary> reports = new ArrayList<>();
    private final AppliedMigrations migrations = () -> List.of(new AppliedMigrations.Applied("v1.0.0", NOW, "u", "d", "DROP TABLE x;", false));
    private BackupsDir backups;
    private Path matrix;

    @BeforeEach
    void goldenSet() throws Exception {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.withCollection("rag_main_v1", "green", 0).withPoints("rag_main_v1", 10).withAlias("rag_main", "rag_main_v1");
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5", 10, 2));
        new SnapshotCreator(backups, vectors, database, dumpTool, migrations, releases, new SnapshotSettings("rag_main", null, 2, 3,
                "rag_chunks", new DumpTool.DumpOptions(false, 1, 1, List.of()), true, "http://fake", "ragdb"), "0.1.0",
                Clock.fixed(NOW, ZoneOffset.UTC)).create(null, true, Progress.NONE);
        matrix = Files.writeString(root.resolve("matrix.md"), "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v1 | OK |\n");
        evaluator.output = "{\"faithfulness\": 0.9}";
    }

    private RollbackSteps.Services services() {
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        SnapshotCatalog catalog = new SnapshotCatalog(backups, verifier, Clock.systemUTC());
        CompatService compat = new CompatService(matrix, new LiveSources(releases, migrations, vectors, "rag_main"));
        RestoreService restore = new RestoreService(backups, verifier, catalog, migrations, dumpTool, vectors, releases, compat,
                "rag_main", 1, Duration.ofSeconds(2));
        ProbeComparison rule = new ProbeComparison(0.8, 0.05);
        HttpProbe http = url -> new HttpProbe.Answer(200, 1);
        SmokeService smoke = new SmokeService(new SmokeService.Subjects(database, vectors, catalog, compat, http),
                new SmokeService.Settings("rag_main", List.of("rag_chunks"), rule, List.of()));
        EvalService eval = new EvalService(evaluator, new EvalPolicy(20, Map.of("faithfulness", 0.8), 0.1));
        VerifyService verify = new VerifyService(catalog, backups, database, vectors, rule, "rag_main", "rag_chunks");
        return new RollbackSteps.Services(restore, new ReleaseService(releases, compat, audit, () -> new dev.ragback.app.Operator("oncall", "host")), compat,
                new TrafficService(traffic, audit, () -> new dev.ragback.app.Operator("oncall", "host")), () -> smoke, () -> eval, () -> verify,
                summary -> {
                    reports.add(summary);
                    return List.of();
                });
    }

    private RollbackService service() {
        RunLock lock = (me, breakStale) -> new RunLock.Lease() {
            @Override
            public RunLock.Holder broken() {
                return null;
            }

            @Override
            public void close() {
            }
        };
        return new RollbackService(new RollbackSteps(services()), lock, lock, audit, root.resolve("journal"),
                Clock.systemUTC(), "host", 42);
    }

    private static final StepListener QUIET = new StepListener() {
        @Override
        public void started(Step step) {
        }

        @Override
        public void finished(Step step, String status, Duration duration, String detail) {
        }

        @Override
        public void plan(RollbackPlan plan) {
        }

        @Override
        public void confirm(RollbackPlan plan) {
        }

        @Override
        public void warn(String message) {
        }
    };

    private static RollbackRequest request() {
        return new RollbackRequest("faithfulness_drop", null, false, false, false, null, false);
    }

    private List<String> journal(String runId) {
        List<String> out = new ArrayList<>();
        for (AuditLog.Event e : audit.events(runId)) {
            out.add(e.eventType() + (e.metadata().containsKey("step") ? " " + e.metadata().get("step") + " " + e.metadata().get("status") : ""));
        }
        return out;
    }

    @Test
    void aRunJournalsRollbackAutoFirstThenEveryStepThenFinished() {
        RollbackService.Outcome outcome = service().run(request(), QUIET, Progress.NONE);
        assertEquals("succeeded", outcome.outcome());
        List<String> events = journal(outcome.runId());
        assertEquals("rollback_auto", events.get(0));
        assertEquals("rollback_step lock started", events.get(1));
        assertEquals("rollback_finished", events.get(events.size() - 1));
        assertTrue(events.contains("rollback_step traffic_on skipped"), events.toString());
        assertEquals(List.of(0), traffic.sets);
        assertEquals(List.of("v1.0.0"), releases.activations);
        assertEquals(1, reports.size());
    }

    @Test
    void everyStepIsSafeToRunTwice() {
        RollbackService service = service();
        RunState state = new RunState(new Journal(audit, root.resolve("journal"), "rollback_1", Clock.systemUTC()), "host", QUIET,
                Clock.systemUTC(), request(), null);
        RollbackSteps steps = new RollbackSteps(services());
        state.plan = steps.plan(state);
        for (int i = 0; i < 2; i++) {
            steps.trafficOff(state);
            steps.restore(state, Progress.NONE);
            steps.revert(state);
            steps.smoke(state);
            steps.eval(state);
            steps.trafficOn(state);
            steps.report(state, "succeeded", null);
        }
        assertEquals(List.of(0, 0), traffic.sets);
        assertEquals(List.of("v1.0.0"), releases.activations, "the second revert sees the release already live");
        assertEquals(2, dumpTool.restores.size());
        assertEquals(1, vectors.aliases.size());
        assertTrue(service != null);
    }

    @Test
    void theEvalStepShowsTheBaselineOfTheSetItsPlanRestoresNotOfTheNewestGolden() throws Exception {
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, dumpTool), Clock.systemUTC());
        String restored = catalog.newestGolden().orElseThrow().id();
        catalog.recordEvalBaseline(restored, Map.of("faithfulness", 0.84));
        String newer = new SnapshotCreator(backups, vectors, database, dumpTool, migrations, releases, new SnapshotSettings("rag_main",
                null, 2, 3, "rag_chunks", new DumpTool.DumpOptions(false, 1, 1, List.of()), true, "http://fake", "ragdb"), "0.1.0",
                Clock.fixed(NOW, ZoneOffset.UTC)).create(null, true, Progress.NONE).manifest().id();
        catalog.recordEvalBaseline(newer, Map.of("faithfulness", 0.70));
        RollbackSteps steps = new RollbackSteps(services());
        RunState state = new RunState(new Journal(audit, root.resolve("journal"), "rollback_1", Clock.systemUTC()), "host", QUIET,
                Clock.systemUTC(), new RollbackRequest("faithfulness_drop", restored, false, false, false, null, false), null);
        state.plan = steps.plan(state);

        assertEquals("faithfulness 0.900 >= 0.80 (baseline 0.84)", steps.eval(state).detail());
    }

    @Test
    void failingEvalKeepsTrafficAtZeroAndResumeSkipsWhatSucceeded() {
        evaluator.output = "{\"faithfulness\": 0.5}";
        RagbackException e = assertThrows(RagbackException.class, () -> service().run(request(), QUIET, Progress.NONE));
        assertEquals(RagbackException.Kind.GATE, e.kind());
        assertTrue(e.getMessage().contains("failed at step eval"), e.getMessage());
        assertTrue(e.hint().contains("--resume rollback_"), e.hint());
        assertEquals(List.of(0), traffic.sets);
        String runId = audit.events.get(0).taskId();
        assertEquals("failed", audit.only("rollback_finished").metadata().get("outcome"));

        evaluator.output = "{\"faithfulness\": 0.95}";
        RollbackRequest resume = new RollbackRequest(null, null, true, false, false, runId, false);
        assertEquals("succeeded", service().run(resume, QUIET, Progress.NONE).outcome());
        assertEquals(1, dumpTool.restores.size(), "the restore is not done again");
        assertEquals(List.of(0, 100), traffic.sets, "--restore-traffic on resume");
        assertTrue(journal(runId).contains("rollback_step restore skipped"), journal(runId).toString());
    }

    @Test
    void taskDbDownGoesToTheLocalJournalAndTheNextRunReplaysIt() {
        audit.down = true;
        RollbackService.Outcome outcome = service().run(request(), QUIET, Progress.NONE);
        assertEquals("succeeded", outcome.outcome());
        assertTrue(Files.exists(root.resolve("journal").resolve(outcome.runId() + ".jsonl")));
        audit.down = false;
        service().run(new RollbackRequest("manual", null, false, false, true, null, false), QUIET, Progress.NONE);
        assertEquals("rollback_auto", journal(outcome.runId()).get(0));
        assertTrue(Files.exists(root.resolve("journal").resolve(outcome.runId() + ".replayed")));
    }

    @Test
    void aRunBlockedAtItsPlanIsJournaledAndReportedAsBlocked() throws Exception {
        Files.writeString(matrix, "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v1 | INCOMPATIBLE |\n");
        RagbackException e = assertThrows(RagbackException.class, () -> service().run(request(), QUIET, Progress.NONE));
        assertEquals(RagbackException.Kind.GATE, e.kind());
        String runId = audit.only("rollback_auto").taskId();
        List<String> events = journal(runId);
        assertEquals("rollback_auto", events.get(0));
        assertTrue(events.contains("rollback_step plan failed"), events.toString());
        assertEquals(Map.of("outcome", "blocked", "failed_step", "plan"), Map.of(
                "outcome", audit.only("rollback_finished").metadata().get("outcome"),
                "failed_step", audit.only("rollback_finished").metadata().get("failed_step")));
        assertEquals(1, reports.size(), "the alert that started it must hear that it was blocked");
        assertEquals("blocked", reports.get(0).outcome());
        assertEquals("plan", reports.get(0).failedStep());
        assertEquals(List.of(), traffic.sets);
    }

    @Test
    void aRunDeclinedAtThePromptEndsAfterItsPlanUnreportedAndChangesNothing() {
        StepListener declining = new StepListener() {
            @Override
            public void started(Step step) {
            }

            @Override
            public void finished(Step step, String status, Duration duration, String detail) {
            }

            @Override
            public void plan(RollbackPlan plan) {
            }

            @Override
            public void confirm(RollbackPlan plan) {
                throw new RagbackException(RagbackException.Kind.EXTERNAL, "not confirmed; nothing changed", "answer y");
            }

            @Override
            public void warn(String message) {
            }
        };
        RagbackException e = assertThrows(RagbackException.class, () -> service().run(request(), declining, Progress.NONE));
        String runId = audit.only("rollback_auto").taskId();
        assertEquals("rollback auto " + runId + ": not confirmed; nothing changed", e.getMessage());
        assertEquals("blocked", audit.only("rollback_finished").metadata().get("outcome"));
        assertEquals("plan", audit.only("rollback_finished").metadata().get("failed_step"));
        assertEquals(List.of(), reports);
        assertEquals(List.of(), traffic.sets);
        assertEquals(List.of(), releases.activations);
    }

    @Test
    void pendingJournalsAreReplayedOnlyByARunThatHoldsTheLock() throws Exception {
        Path pending = Files.createDirectories(root.resolve("journal")).resolve("rollback_7.jsonl");
        Files.writeString(pending, "{\"task_id\":\"rollback_7\",\"event_type\":\"rollback_auto\",\"metadata\":{\"reason\":\"manual\"},"
                + "\"created_at\":\"2026-11-28T03:00:00Z\"}\n");
        RunLock refusing = (me, breakStale) -> {
            throw new RagbackException(RagbackException.Kind.LOCKED, "another ragback run holds the lock: run rollback_7");
        };
        RollbackService locked = new RollbackService(new RollbackSteps(services()), refusing, refusing, audit, root.resolve("journal"),
                Clock.systemUTC(), "host", 42);
        assertEquals(RagbackException.Kind.LOCKED, assertThrows(RagbackException.class,
                () -> locked.run(request(), QUIET, Progress.NONE)).kind());
        assertTrue(Files.exists(pending), "the holder may still be appending to it");
        assertEquals(List.of(), audit.events);

        service().run(request(), QUIET, Progress.NONE);
        assertEquals(List.of("rollback_auto"), journal("rollback_7"));
        assertEquals("2026-11-28T03:00:00Z", audit.events("rollback_7").get(0).metadata().get("journaled_at"));
    }

    @Test
    void badReasonsAndRunIdsAreUsageErrors() {
        for (String reason : List.of("Bad", "a b", "../x", "")) {
            assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class,
                    () -> RollbackService.checkReason(reason)).kind());
        }
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class,
                () -> RollbackService.checkRunId("rollback_../x")).kind());
    }
}
