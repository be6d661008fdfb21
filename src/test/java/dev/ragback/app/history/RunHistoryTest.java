package dev.ragback.app.history;

import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.port.AuditLog.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.ragback.app.history.RunEvents.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunHistoryTest {
    private static final Instant NOW = Instant.parse("2025-12-02T19:00:00Z");

    private final FakeAuditLog audit = new FakeAuditLog();
    private final RunHistory history = new RunHistory(audit, Clock.fixed(NOW, ZoneOffset.UTC));

    /** Five runs, recorded oldest first, with other TaskDB events between them. */
    @BeforeEach
    void fiveRuns() {
        run(audit.events, "rollback_1764300000").started("gate_fail_rate", "20251127-0300", "v1.0.0", false)
                .stepsThrough("report").finished("succeeded", null);
        audit.events.add(new Event(audit.events.size() + 1, "traffic", "traffic_set", Map.of("old", 0, "new", 100), NOW));
        run(audit.events, "rollback_1764400000").started("faithfulness_drop", "20251128-0300", "v1.0.0", false)
                .stepsThrough("smoke").step("eval", "failed", 90_000, "faithfulness 0.71 < 0.80")
                .step("report", "succeeded", 500, null).finished("failed", "eval");
        run(audit.events, "rollback_1764500000").started("latency_spike", "20251129-0300", "v1.0.0", false)
                .stepsThrough("traffic_off").startedOnly("restore").wait(Duration.ofSeconds(40)).finished("aborted", "restore");
        run(audit.events, "rollback_1764600000").started("manual", "20251130-0300", "v1.1.0", false)
                .stepsThrough("plan").startedOnly("traffic_off");
        run(audit.events, "rollback_1764700000").started("manual", "20251201-0300", "v1.1.0", false)
                .stepsThrough("traffic_off").startedOnly("restore").wait(Duration.ofMinutes(30));
    }

    private static List<String> lines(List<RunSummary> runs) {
        return runs.stream().map(r -> r.runId() + " " + r.outcome() + " " + r.failedStep() + " " + r.lastStep() + " " + r.reason()).toList();
    }

    @Test
    void listsRunsNewestFirstWithOutcomeFailedStepAndReason() {
        assertEquals(List.of(
                "rollback_1764700000 running null restore manual",
                "rollback_1764600000 incomplete null traffic_off manual",
                "rollback_1764500000 aborted restore restore latency_spike",
                "rollback_1764400000 failed eval report faithfulness_drop",
                "rollback_1764300000 succeeded null report gate_fail_rate"), lines(history.list(20)));
    }

    @Test
    void startSnapshotReleaseHostAndDurationComeFromTheEvents() {
        RunSummary failed = history.list(20).get(3);
        assertEquals(Instant.parse("2025-11-29T07:06:40Z"), failed.startedAt());
        assertEquals("20251128-0300", failed.snapshot());
        assertEquals("v1.0.0", failed.release());
        assertEquals("ops-1", failed.host());
        assertFalse(failed.dryRun());
        // six steps of 1 s, eval 90 s, report 0.5 s: the duration_s of rollback_finished
        assertEquals(Duration.ofMillis(96_500), failed.duration());
        assertTrue(failed.finished());
    }

    @Test
    void anOpenRunIsRunningWhileItsNewestEventIsRecentAndIncompleteAfterTwoHours() {
        RunSummary running = history.list(1).get(0);
        assertEquals(RunSummary.RUNNING, running.outcome());
        assertFalse(running.finished());
        // first to newest event: three steps of 1 s (the 30 minutes after restore started wrote nothing)
        assertEquals(Duration.ofSeconds(3), running.duration());

        RunHistory later = new RunHistory(audit, Clock.fixed(NOW.plus(Duration.ofHours(3)), ZoneOffset.UTC));
        assertEquals(RunSummary.INCOMPLETE, later.list(1).get(0).outcome());
    }

    @Test
    void limitKeepsTheNewestRuns() {
        assertEquals(List.of("rollback_1764700000", "rollback_1764600000"),
                history.list(2).stream().map(RunSummary::runId).toList());
        assertEquals(5, history.list(RunHistory.MAX_LIMIT).size());
        for (int bad : new int[] {0, -1, RunHistory.MAX_LIMIT + 1}) {
            assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> history.list(bad)).kind());
        }
    }

    @Test
    void aResumedRunIsListedOnceWithTheOutcomeOfItsLastAttempt() {
        List<Event> events = audit.events;
        RunEvents resumed = run(events, "rollback_1764800000").started("manual", "20251202-0300", "v1.1.0", false)
                .stepsThrough("smoke").step("eval", "failed", 2000, "eval command timed out").finished("failed", "eval");
        resumed.started("manual", "20251202-0300", "v1.1.0", false).step("eval", "succeeded", 3000, "faithfulness 0.86");

        RunSummary inProgress = history(resumed.now()).list(1).get(0);
        assertEquals("rollback_1764800000 running null eval manual", lines(List.of(inProgress)).get(0),
                "a finish followed by more steps is a resume in progress");

        resumed.stepsThroughFrom("traffic_on").finished("succeeded", null);
        List<RunSummary> runs = history(resumed.now()).list(2);
        assertEquals(List.of("rollback_1764800000 succeeded null report manual", "rollback_1764700000 incomplete null restore manual"),
                lines(runs));
    }

    private RunHistory history(Instant now) {
        return new RunHistory(audit, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theRunbooksOwnInsertIsARunWithoutStepsThatNeverFinished() {
        audit.events.clear();
        audit.events.add(new Event(1, "rollback_1764300000", "rollback_auto",
                Map.of("reason", "gate_fail_rate", "timestamp", "2025-11-28T04:20:00+01:00"), Instant.parse("2025-11-28T03:20:01Z")));
        RunSummary run = history.list(20).get(0);
        assertEquals(Instant.parse("2025-11-28T03:20:00Z"), run.startedAt());
        assertEquals(RunSummary.INCOMPLETE, run.outcome());
        assertNull(run.snapshot());
        assertNull(run.lastStep());
        assertEquals(Duration.ZERO, run.duration());
    }

    @Test
    void aStartWithoutTimestampFallsBackToTheEpochInTheRunId() {
        audit.events.clear();
        audit.events.add(new Event(1, "rollback_1764300000", "rollback_auto", Map.of("reason", "manual", "dry_run", true),
                Instant.parse("2025-11-28T09:00:00Z")));
        RunSummary run = history.list(20).get(0);
        assertEquals(Instant.parse("2025-11-28T03:20:00Z"), run.startedAt());
        assertTrue(run.dryRun());
    }

    @Test
    void runsCanComeFromAGivenListSuchAsTheJournal() {
        List<Event> journal = new ArrayList<>(audit.events);
        audit.down = true;
        journal.add(new Event(99, "rollback_9", "rollback_step", Map.of("step", "lock", "status", "started"), NOW));
        List<RunSummary> runs = history.list(journal, 3);
        assertEquals(List.of("rollback_1764700000", "rollback_1764600000", "rollback_1764500000"),
                runs.stream().map(RunSummary::runId).toList(), "a task without rollback_auto is not a run");
        assertEquals("aborted", runs.get(2).outcome());
    }

    @Test
    void anUnreachableTaskDbFailsExternal() {
        audit.down = true;
        assertEquals(RagbackException.Kind.EXTERNAL, assertThrows(RagbackException.class, () -> history.list(20)).kind());
    }
}
