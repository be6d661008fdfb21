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
import dev.ragback.app.fakes.FakeRunLock;
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
import dev.ragback.testing.HandClock;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        new SnapshotCreator(backups, new SnapshotCreator.Sources(vectors, database, dumpTool, migrations, releases),
                new SnapshotSettings("rag_main", null, 2, 3, "rag_chunks", new DumpTool.DumpOptions(false, 1, 1, List.of()), true,
                        "http://fake", "ragdb"),
                "0.1.0", Clock.fixed(NOW, ZoneOffset.UTC)).create(null, true, Progress.NONE);
        matrix = Files.writeString(root.resolve("matrix.md"), "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v1 | OK |\n");
        evaluator.output = "{\"faithfulness\": 0.9}";
    }

    private RollbackSteps.Services services() {
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        SnapshotCatalog catalog = new SnapshotCatalog(backups, verifier, Clock.systemUTC());
        CompatService compat = new CompatService(matrix, new LiveSources(releases, migrations, vectors, "rag_main"));
        RestoreService restore = new RestoreService(new RestoreService.Sets(backups, verifier, catalog),
                new RestoreService.Live(migrations, dumpTool, vectors, releases, compat),
                new RestoreService.Settings("rag_main", 1, Duration.ofSeconds(2), new ProbeComparison(0.8, 0.05)));
        ProbeComparison rule = new ProbeComparison(0.8, 0.05);
        HttpProbe http = url -> new HttpProbe.Answer(200, 1);
        SmokeService smoke = new SmokeService(new SmokeService.Subjects(database, vectors, catalog, compat, http),
                new SmokeService.Settings("rag_main", List.of("rag_chunks"), rule, List.of()));
        EvalService eval = new EvalService(evaluator, new EvalPolicy(20, Map.of("faithfulness", 0.8), 0.1));
        VerifyService verify = new VerifyService(catalog, database, vectors, rule, "rag_main", "rag_chunks");
        return new RollbackSteps.Services(restore, new ReleaseService(releases, compat, audit, () -> new dev.ragback.app.Operator("oncall", "host")), compat,
                new TrafficService(traffic, audit, () -> new dev.ragback.app.Operator("oncall", "host")), () -> smoke, () -> eval, () -> verify,
                summary -> {
                    reports.add(summary);
                    return new RunReporter.Delivery(List.of(), List.of());
                });
    }

    private RollbackService service() {
        return service(Clock.systemUTC());
    }

    private RollbackService service(Clock clock) {
        RunLock lock = (me, breakStale) -> new RunLock.Lease() {
            @Override
            public RunLock.Holder broken() {
                return null;
            }

            @Override
            public void close() {
            }
        };
        return new RollbackService(new RollbackSteps(services()), new RunLocks(lock, lock, "host", 42, clock, audit),
                root.resolve("journal"));
    }

    @Test
    void theTimeAtTheConfirmationPromptIsRecordedApartAndLeftOutOfTheRunsDuration() {
        HandClock clock = new HandClock(NOW);
        RollbackService.Outcome outcome = service(clock).run(request(), listener(() -> clock.advance(Duration.ofMinutes(10))),
                Progress.NONE);
        assertEquals(RunOutcome.SUCCEEDED, outcome.outcome());
        assertEquals(Duration.ZERO, outcome.duration(), "the hand clock moved only while the prompt waited");
        Map<String, Object> finished = audit.events(outcome.runId()).stream().filter(e -> e.eventType().equals("rollback_finished"))
                .findFirst().orElseThrow().metadata();
        assertEquals(0.0, finished.get("duration_s"));
        assertEquals(600.0, finished.get("prompt_wait_s"));
        assertEquals(0.0, reports.get(0).durationSeconds(), "the metric and the postmortem get the run's own time");
    }

    private static final StepListener QUIET = listener(() -> { });

    /** A listener that shows nothing and answers the confirmation with {@code confirm}. */
    private static StepListener listener(Runnable confirm) {
        return new StepListener() {
            @Override
            public void started(Step step) {
            }

            @Override
            public void finished(Step step, StepStatus status, Duration duration, String detail) {
            }

            @Override
            public void plan(RollbackPlan plan) {
            }

            @Override
            public void confirm(RollbackPlan plan) {
                confirm.run();
            }

            @Override
            public void warn(String message) {
            }
        };
    }

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
        assertEquals(RunOutcome.SUCCEEDED, outcome.outcome());
        List<String> events = journal(outcome.runId());
        assertEquals("rollback_auto", events.get(0));
        assertEquals("rollback_step lock started", events.get(1));
        assertEquals("rollback_finished", events.get(events.size() - 1));
        assertTrue(events.contains("rollback_step traffic_on skipped"), events.toString());
        assertEquals(List.of(0), traffic.sets);
        assertEquals(List.of("v1.0.0"), releases.activations);
        assertEquals(1, reports.size());
    }

    /** What a rollback leaves behind, in the fakes: equal after a second pass of every step. */
    private record World(int traffic, String release, List<String> activations, Map<String, List<String>> points,
                         Map<String, String> collections, List<String> aliases, List<String> sets, RunLock.Holder lease,
                         boolean lockHeld) {
    }

    private World world(FakeRunLock lock) {
        Map<String, List<String>> points = new java.util.TreeMap<>();
        vectors.points.forEach((collection, list) -> points.put(collection, list.stream()
                .map(p -> p.id() + " " + java.util.Arrays.toString(p.vector())).toList()));
        Map<String, String> collections = new java.util.TreeMap<>();
        vectors.collections.forEach((name, info) -> collections.put(name, info.status() + " " + info.pointsCount()));
        List<String> aliases = vectors.aliases.stream().map(a -> a.aliasName() + " -> " + a.collectionName()).sorted().toList();
        List<String> sets;
        try (var dirs = Files.list(backups.root())) {
            sets = dirs.map(d -> d.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new World(traffic.percent, releases.current, List.copyOf(releases.activations), points, collections, aliases, sets,
                lock.lease, lock.held);
    }

    /** A first attempt of run rollback_1 ({@code resume} null), or its resume. */
    private RunState attempt(Journal journal, String resume) {
        return resume == null ? new RunState(journal, "host", QUIET, Clock.systemUTC(),
                new RollbackRequest("faithfulness_drop", null, true, false, false, null, false), null)
                : new RunState(journal, "host", QUIET, Clock.systemUTC(), new RollbackRequest(null, null, true, false, false, resume,
                false), audit.only("rollback_auto").metadata());
    }

    /** One attempt of every step, lock to report, as a run (or its resume) does them. */
    private RollbackPlan pass(RollbackSteps steps, RunState state, FakeRunLock lock, FakeRunLock lockFile, List<String> warnings) {
        RunLock.Lease lease = Locks.acquire(lock, lockFile, new RunLock.Holder(state.runId(), "host", 42, NOW), false, warnings::add);
        assertEquals(null, lease.broken(), "the run's own lease is not a stale one to break");
        state.plan = steps.plan(state);
        state.open(state.plan.restore().id(), state.plan.releaseTarget());
        steps.trafficOff(state);
        String restored = steps.restore(state, Progress.NONE).detail();
        assertTrue(restored.matches("set \\S+: (postgres \\d+\\.\\d s, qdrant \\d+\\.\\d s into|committed in an earlier attempt;) .*"),
                "one duration style (issue 14 item 17): " + restored);
        steps.revert(state);
        steps.smoke(state);
        steps.eval(state);
        steps.trafficOn(state);
        steps.report(state, RunOutcome.SUCCEEDED, null);
        return state.plan;
    }

    @Test
    void everyStepIsSafeToRunTwice() {
        vectors.points.get("rag_main_v1").subList(0, 4).clear();
        traffic.percent = 100;
        FakeRunLock lock = new FakeRunLock();
        FakeRunLock lockFile = new FakeRunLock();
        List<String> warnings = new ArrayList<>();
        RollbackSteps steps = new RollbackSteps(services());
        Journal journal = new Journal(audit, root.resolve("journal"), "rollback_1", Clock.systemUTC());

        RunState first = attempt(journal, null);
        RollbackPlan firstPlan = pass(steps, first, lock, lockFile, warnings);
        World afterFirst = world(lock);
        assertEquals(100, afterFirst.traffic());
        assertEquals("v1.0.0", afterFirst.release());
        assertEquals(List.of("v1.0.0"), afterFirst.activations());
        assertEquals(10, vectors.countPoints(vectors.resolveAlias("rag_main").orElseThrow()), "the set's 10 points are back");
        assertEquals("rollback_1", afterFirst.lease().runId());
        assertTrue(afterFirst.lockHeld());

        // the process dies before it journals the end; the resume runs every step again
        lock.processDied();
        lockFile.processDied();
        RunState again = attempt(journal, "rollback_1");
        RollbackPlan secondPlan = pass(steps, again, lock, lockFile, warnings);
        World afterSecond = world(lock);

        assertEquals(afterFirst, afterSecond);
        assertEquals(firstPlan.restore().manifest(), secondPlan.restore().manifest(), "the same set");
        assertEquals(firstPlan.restore().qdrantTarget(), secondPlan.restore().qdrantTarget(), "uploaded into the same collection");
        assertEquals(firstPlan.restore().aliasesToSwitch(), secondPlan.restore().aliasesToSwitch());
        assertEquals(firstPlan.restore().downChain(), secondPlan.restore().downChain());
        assertEquals(firstPlan.releaseTarget(), secondPlan.releaseTarget());
        assertEquals(firstPlan.compat(), secondPlan.compat());
        assertEquals(null, secondPlan.revert(), "the target release is live: nothing to switch again");
        assertEquals("v1.0.0 is live (switched in an earlier attempt)", steps.revert(first).detail(),
                "the first attempt's switch, run again, sees its release live");
        assertEquals(List.of("v1.0.0"), releases.activations);
        assertEquals(List.of(0, 100, 0, 100), traffic.sets);
        assertEquals(1, dumpTool.restores.size(), "the first attempt committed: the resume finishes it instead of restoring again");
        assertEquals(List.of("prepared", "committed"), dumpTool.transactions);
        assertEquals(2, reports.size());
        assertEquals(List.of(), warnings);
        assertEquals(1, audit.events.stream().filter(e -> e.eventType().equals("rollback_auto")).count(),
                "the resume does not open the run a second time");
    }

    @Test
    void aResumeAfterAnAliasSwitchThatFailedPastTheCommitFinishesTheSwitchWithoutRestoringAgain() {
        vectors.points.get("rag_main_v1").subList(0, 4).clear();
        FakeRunLock lock = new FakeRunLock();
        FakeRunLock lockFile = new FakeRunLock();
        RollbackSteps steps = new RollbackSteps(services());
        Journal journal = new Journal(audit, root.resolve("journal"), "rollback_1", Clock.systemUTC());
        RunState first = attempt(journal, null);
        vectors.aliasFailures = 10;
        RagbackException rolledForward = assertThrows(RagbackException.class, () -> pass(steps, first, lock, lockFile, new ArrayList<>()));
        assertTrue(rolledForward.getMessage().contains("(committed); Qdrant: collection rag_main_v1_r"), rolledForward.getMessage());
        String ready = (String) audit.events.stream().filter(e -> e.eventType().equals("restore_roll_forward")).findFirst()
                .orElseThrow().metadata().get("collection");
        assertEquals("rag_main_v1", vectors.resolveAlias("rag_main").orElseThrow());

        vectors.aliasFailures = 0;
        lock.processDied();
        lockFile.processDied();
        RollbackPlan plan = pass(steps, attempt(journal, "rollback_1"), lock, lockFile, new ArrayList<>());
        assertEquals(ready, plan.restore().qdrantTarget(), "the resume finishes the collection the COMMIT went with");
        assertEquals(ready, vectors.resolveAlias("rag_main").orElseThrow());
        assertEquals(List.of("prepared", "committed"), dumpTool.transactions, "PostgreSQL was not restored a second time");
    }

    @Test
    void aRunThatFailsAtAStepNamesWhatToRunByHandForThatStep() {
        vectors.points.get("rag_main_v1").subList(0, 4).clear();
        vectors.aliasFailures = 10;
        RagbackException e = assertThrows(RagbackException.class, () -> service().run(request(), QUIET, Progress.NONE));
        assertTrue(e.getMessage().contains("failed at step restore"), e.getMessage());
        String target = (String) audit.only("restore_roll_forward").metadata().get("collection");
        assertTrue(e.hint().contains("or by hand: ragback snapshot restore " + audit.only("rollback_auto").metadata().get("snapshot")
                + " (if its COMMIT went through, finish it: ragback qdrant switch-alias rag_main " + target + "), then the manual"),
                e.hint());

        traffic.setFails = true;
        RagbackException trafficFailed = assertThrows(RagbackException.class, () -> service().run(request(), QUIET, Progress.NONE));
        assertTrue(trafficFailed.hint().contains("or by hand: ragback traffic set 0, then"), trafficFailed.hint());
    }

    @Test
    void trafficOffsUndoHintNamesThePercentItChanged() {
        traffic.percent = 40;
        RollbackSteps steps = new RollbackSteps(services());
        RunState state = attempt(new Journal(audit, root.resolve("journal"), "rollback_1", Clock.systemUTC()), null);
        assertEquals("ragback traffic set 0", RollbackSteps.trafficOffByHand(state));
        steps.trafficOff(state);
        assertEquals("ragback traffic set 0 (undo: ragback traffic set 40)", RollbackSteps.trafficOffByHand(state));
    }

    @Test
    void aResumeAfterAKillDuringPrepareStartsTheRestoreAgainAndDeletesTheHalfCollection() {
        FakeRunLock lock = new FakeRunLock();
        FakeRunLock lockFile = new FakeRunLock();
        RollbackSteps steps = new RollbackSteps(services());
        Journal journal = new Journal(audit, root.resolve("journal"), "rollback_1", Clock.systemUTC());
        RunState first = attempt(journal, null);
        first.plan = steps.plan(first);
        first.open(first.plan.restore().id(), first.plan.releaseTarget());
        String killedInto = first.plan.restore().qdrantTarget();
        // the killed attempt: it journaled its start and left a half-made collection
        first.record("restore_started", Map.of("snapshot_id", first.plan.restore().id(), "collection", killedInto));
        vectors.withCollection(killedInto, "yellow", 3);

        RollbackPlan plan = pass(steps, attempt(journal, "rollback_1"), lock, lockFile, new ArrayList<>());
        assertEquals(killedInto + "_2", plan.restore().qdrantTarget());
        assertFalse(vectors.collections.containsKey(killedInto), "the killed attempt's collection is deleted");
        assertEquals(plan.restore().qdrantTarget(), vectors.resolveAlias("rag_main").orElseThrow());
    }

    @Test
    void theEvalStepShowsTheBaselineOfTheSetItsPlanRestoresNotOfTheNewestGolden() throws Exception {
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, dumpTool), Clock.systemUTC());
        String restored = catalog.newestGolden().orElseThrow().id();
        catalog.recordEvalBaseline(restored, Map.of("faithfulness", 0.84));
        String newer = new SnapshotCreator(backups,
                new SnapshotCreator.Sources(vectors, database, dumpTool, migrations, releases),
                new SnapshotSettings("rag_main", null, 2, 3, "rag_chunks", new DumpTool.DumpOptions(false, 1, 1, List.of()), true,
                        "http://fake", "ragdb"),
                "0.1.0", Clock.fixed(NOW, ZoneOffset.UTC)).create(null, true, Progress.NONE).manifest().id();
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
        assertTrue(e.hint().contains(" — or by hand: ragback eval-quick, then the manual procedure is section 4"), e.hint());
        assertEquals(List.of(0), traffic.sets);
        String runId = audit.events.get(0).taskId();
        assertEquals("failed", audit.only("rollback_finished").metadata().get("outcome"));

        evaluator.output = "{\"faithfulness\": 0.95}";
        RollbackRequest resume = new RollbackRequest(null, null, true, false, false, runId, false);
        assertEquals(RunOutcome.SUCCEEDED, service().run(resume, QUIET, Progress.NONE).outcome());
        assertEquals(1, dumpTool.restores.size(), "the restore is not done again");
        assertEquals(List.of(0, 100), traffic.sets, "--restore-traffic on resume");
        assertTrue(journal(runId).contains("rollback_step restore skipped"), journal(runId).toString());
    }

    @Test
    void taskDbDownGoesToTheLocalJournalAndTheNextRunReplaysIt() {
        audit.down = true;
        RollbackService.Outcome outcome = service().run(request(), QUIET, Progress.NONE);
        assertEquals(RunOutcome.SUCCEEDED, outcome.outcome());
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

        assertThrows(RagbackException.class, () -> service().run(new RollbackRequest("manual", null, false, false, true, null, false),
                QUIET, Progress.NONE));
        assertEquals(1, reports.size(), "a dry run is never reported, not even when blocked");
    }

    @Test
    void aForcedRunOverAnIncompatibleTargetFinishesAndItsSmokeDoesNotGateOnTheSameTriple() throws Exception {
        Files.writeString(matrix, "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v1 | INCOMPATIBLE |\n");
        RollbackService.Outcome outcome = service().run(new RollbackRequest("manual", null, false, true, false, null, false),
                QUIET, Progress.NONE);
        assertEquals(RunOutcome.SUCCEEDED, outcome.outcome());
        assertTrue(journal(outcome.runId()).contains("rollback_step smoke succeeded"), journal(outcome.runId()).toString());
        assertEquals("INCOMPATIBLE", audit.only("rollback_forced").metadata().get("status"));
    }

    @Test
    void aRunDeclinedAtThePromptEndsAfterItsPlanUnreportedAndChangesNothing() {
        StepListener declining = listener(() -> {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "not confirmed; nothing changed", "answer y");
        });
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
        RollbackService locked = new RollbackService(new RollbackSteps(services()),
                new RunLocks(refusing, refusing, "host", 42, Clock.systemUTC(), audit), root.resolve("journal"));
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
