package dev.ragback.app.rollback;

import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.history.Postmortem;
import dev.ragback.app.port.MetricsSink;
import dev.ragback.app.port.Notifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report step's metrics: rag_rollback_total{reason} counted from TaskDB, so it grows across runs; dry runs do not count. */
class DeliveringReporterTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");

    @TempDir
    Path work;

    private final FakeAuditLog audit = new FakeAuditLog();
    private final List<MetricsSink.RunMetrics> published = new ArrayList<>();
    private final List<Notifier.RollbackNotice> notices = new ArrayList<>();
    private DeliveringReporter reporter;

    @BeforeEach
    void reporter() throws Exception {
        Path template = Files.writeString(work.resolve("postmortem.md"), "# {{run_id}} {{reason}} {{outcome}}\n{{timeline}}\n");
        MetricsSink sink = metrics -> {
            published.add(metrics);
            return List.of();
        };
        Notifier notifier = notice -> {
            notices.add(notice);
            return null;
        };
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        reporter = new DeliveringReporter(audit, work.resolve("journal"), new Postmortem(audit, template, work.resolve("postmortems"),
                clock), sink, notifier, clock);
    }

    private void started(String runId, String reason, boolean dryRun) {
        RunEvent start = new RunEvent.Started(reason, NOW.toString(), "20261128-031502", "v1.0.0", "host", dryRun, false, false);
        audit.record(runId, start.type(), start.metadata());
    }

    private Map<String, Long> report(String runId, String reason, String outcome) {
        List<String> warnings = reporter.report(new RunReporter.RunSummary(runId, reason, outcome, "failed".equals(outcome) ? "eval" : null,
                12.5, new LinkedHashMap<>(Map.of("restore", 10.0)), "20261128-031502", "v1.0.0", Map.of(), false)).warnings();
        assertEquals(List.of(), warnings);
        MetricsSink.RunMetrics last = published.get(published.size() - 1);
        assertEquals(runId, last.runId());
        assertEquals(reason, last.reason());
        return last.rollbacksByReason();
    }

    @Test
    void rollbacksByReasonGrowsAcrossRunsAndLeavesDryRunsOut() {
        started("rollback_1764300000", "faithfulness_drop", false);
        assertEquals(Map.of("faithfulness_drop", 1L), report("rollback_1764300000", "faithfulness_drop", "succeeded"));

        started("rollback_1764300100", "manual", true);
        started("rollback_1764300200", "gate_fail_rate", false);
        assertEquals(Map.of("faithfulness_drop", 1L, "gate_fail_rate", 1L), report("rollback_1764300200", "gate_fail_rate", "failed"),
                "the dry run of 'manual' is not a rollback; a failed run is");

        started("rollback_1764300300", "faithfulness_drop", false);
        assertEquals(Map.of("faithfulness_drop", 2L, "gate_fail_rate", 1L), report("rollback_1764300300", "faithfulness_drop", "succeeded"));

        for (int i = 1; i < published.size(); i++) {
            Map<String, Long> before = published.get(i - 1).rollbacksByReason();
            Map<String, Long> after = published.get(i).rollbacksByReason();
            before.forEach((reason, count) -> assertTrue(after.getOrDefault(reason, 0L) >= count,
                    reason + " went down: " + before + " then " + after));
        }
        assertEquals(3, notices.size(), "one notification per reported run");
    }

    @Test
    void aRunWhoseStartIsOnlyInTheLocalJournalCountsOnce() {
        started("rollback_1764300000", "latency_spike", false);
        report("rollback_1764300000", "latency_spike", "succeeded");

        // rollback_1764300500 opened while TaskDB was down: its rollback_auto is not in TaskDB yet
        assertEquals(Map.of("latency_spike", 2L), report("rollback_1764300500", "latency_spike", "succeeded"));
        started("rollback_1764300500", "latency_spike", false); // replayed later
        started("rollback_1764300600", "latency_spike", false);
        assertEquals(Map.of("latency_spike", 3L), report("rollback_1764300600", "latency_spike", "succeeded"),
                "the replayed run is counted once, not twice");
    }

    @Test
    void withTaskDbDownTheCounterIsLeftOutRatherThanRestartedFromZero() {
        started("rollback_1764300000", "manual", false);
        started("rollback_1764300100", "manual", false);
        audit.down = true;
        List<String> warnings = reporter.report(new RunReporter.RunSummary("rollback_1764300200", "manual", "succeeded", null, 3.0,
                new LinkedHashMap<>(), null, null, Map.of(), true)).warnings();
        assertEquals(Map.of(), published.get(0).rollbacksByReason());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("rag_rollback_total left out: TaskDB is unreachable")), warnings.toString());
    }

    /** A metrics sink that publishes nothing: {@code describe} null means not configured. */
    private static MetricsSink sink(String describe) {
        return new MetricsSink() {
            @Override
            public List<String> publish(RunMetrics metrics) {
                return List.of();
            }

            @Override
            public boolean configured() {
                return describe != null;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    private RunReporter.Delivery deliver(MetricsSink metrics, Notifier notifier) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        started("rollback_1764300000", "manual", false);
        return new DeliveringReporter(audit, work.resolve("journal"), new Postmortem(audit, work.resolve("postmortem.md"),
                work.resolve("postmortems"), clock), metrics, notifier, clock)
                .report(new RunReporter.RunSummary("rollback_1764300000", "manual", "succeeded", null, 3.0, new LinkedHashMap<>(),
                        null, null, Map.of(), false));
    }

    @Test
    void eachChannelIsReportedAsItWentAndNobodyNotifiedIsSaidOnce() {
        Notifier unset = new Notifier() {
            @Override
            public String notify(RollbackNotice notice) {
                throw new AssertionError("nothing is sent when Slack is not configured");
            }

            @Override
            public boolean configured() {
                return false;
            }
        };
        RunReporter.Delivery delivery = deliver(sink(null), unset);
        assertTrue(delivery.detail().matches("postmortem: " + java.util.regex.Pattern.quote(work.resolve("postmortems").toString())
                + "/[\\w-]+-rollback_1764300000\\.md; metrics: not configured; slack: not configured"), delivery.detail());
        assertEquals(List.of("nobody was notified: Slack is not configured (SLACK_WEBHOOK unset); post in #ops-alerts by hand"),
                delivery.warnings());
    }

    @Test
    void aFailedSlackDeliverySaysFailedWithItsHttpStatus() {
        RunReporter.Delivery delivery = deliver(sink("Pushgateway http://pg:9091 (job ragback)"),
                notice -> "Slack notification failed: the Slack webhook answered 500 'oops'; retry: the Slack webhook answered 500");
        assertTrue(delivery.detail().endsWith("; metrics: pushed to Pushgateway http://pg:9091 (job ragback); slack: failed (HTTP 500)"),
                delivery.detail());
        assertEquals(1, delivery.warnings().size(), delivery.warnings().toString());
    }
}
