package dev.ragback.adapters.postgres;

import dev.ragback.app.history.Postmortem;
import dev.ragback.app.history.RunHistory;
import dev.ragback.app.history.RunSummary;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** history and postmortem read task_events rows written as SPEC section 8 gives them. */
@ExtendWith(PostgresExtension.class)
class RunHistoryOnTaskDbTest {
    private static final Instant NOW = Instant.parse("2025-12-01T00:00:00Z");

    private final PgDatabase db;
    private final JdbcAuditLog audit;
    private final RunHistory history;

    RunHistoryOnTaskDbTest(PgDatabase db) {
        this.db = db;
        this.audit = new JdbcAuditLog(db.connection());
        this.history = new RunHistory(audit, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @BeforeEach
    void twoRunsBySql() {
        db.execute("DROP TABLE IF EXISTS task_events; " + JdbcAuditLog.CREATE_TABLE);
        insert("rollback_1764300000", "rollback_auto", "{\"reason\": \"gate_fail_rate\", \"timestamp\": \"2025-11-28T03:20:00+00:00\", "
                + "\"snapshot\": \"20251127-030000\", \"release\": \"v1.0.0\", \"host\": \"ops-1\", \"dry_run\": false}", "03:20:00");
        insert("rollback_1764300000", "rollback_step", "{\"step\": \"lock\", \"status\": \"started\", \"duration_ms\": null, "
                + "\"detail\": null}", "03:20:00.2");
        insert("rollback_1764300000", "rollback_step", "{\"step\": \"lock\", \"status\": \"succeeded\", \"duration_ms\": 35, "
                + "\"detail\": \"advisory lock 7216\"}", "03:20:00.235");
        insert("rollback_1764300000", "rollback_step", "{\"step\": \"eval\", \"status\": \"failed\", \"duration_ms\": 61000, "
                + "\"detail\": \"faithfulness 0.71 < 0.80\"}", "03:21:01.3");
        insert("rollback_1764300000", "rollback_finished", "{\"outcome\": \"failed\", \"failed_step\": \"eval\", \"duration_s\": 61.4}",
                "03:21:01.4");
        insert("traffic", "traffic_set", "{\"old\": 100, \"new\": 0}", "03:25:00");
        insert("rollback_1764310000", "rollback_auto", "{\"reason\": \"manual\", \"timestamp\": \"2025-11-28T06:06:40Z\", "
                + "\"snapshot\": \"20251127-030000\", \"release\": \"v1.0.0\", \"host\": \"ops-1\", \"dry_run\": true}", "06:06:40");
        insert("rollback_1764310000", "rollback_finished", "{\"outcome\": \"succeeded\", \"failed_step\": null, \"duration_s\": 2}",
                "06:06:42");
    }

    private void insert(String taskId, String type, String metadata, String time) {
        db.execute("INSERT INTO task_events (task_id, event_type, metadata, created_at) VALUES ('" + taskId + "', '" + type + "', '"
                + metadata + "', TIMESTAMPTZ '2025-11-28 " + time + "+00')");
    }

    @Test
    void historyListsTheRunsNewestFirst() {
        List<RunSummary> runs = history.list(RunHistory.DEFAULT_LIMIT);
        assertEquals(List.of("rollback_1764310000", "rollback_1764300000"), runs.stream().map(RunSummary::runId).toList());
        RunSummary dry = runs.get(0);
        assertEquals("succeeded", dry.outcome());
        assertTrue(dry.dryRun());
        assertEquals(Duration.ofSeconds(2), dry.duration());
        RunSummary failed = runs.get(1);
        assertEquals("failed eval gate_fail_rate 20251127-030000 v1.0.0", String.join(" ", failed.outcome(), failed.failedStep(),
                failed.reason(), failed.snapshot(), failed.release()));
        assertEquals(Instant.parse("2025-11-28T03:20:00Z"), failed.startedAt());
        assertEquals(Duration.ofMillis(61_400), failed.duration());
    }

    @Test
    void aRunRecordedThroughTheAuditLogIsListedToo() {
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("reason", "latency_spike");
        start.put("timestamp", "2025-11-28T08:00:00Z");
        start.put("dry_run", false);
        audit.record("rollback_1764316800", "rollback_auto", start);
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("step", "lock");
        step.put("status", "started");
        audit.record("rollback_1764316800", "rollback_step", step);

        List<RunSummary> runs = history.list(1);
        assertEquals("rollback_1764316800", runs.get(0).runId());
        assertFalse(runs.get(0).finished());
        assertEquals("lock", runs.get(0).lastStep());
        assertEquals(Instant.parse("2025-11-28T08:00:00Z"), runs.get(0).startedAt());
    }

    @Test
    void postmortemRendersTheTimelineFromTaskDb(@TempDir Path work) throws Exception {
        Path template = Files.writeString(work.resolve("t.md"), "{{outcome}} in {{duration}}\n{{timeline}}\n");
        Path written = new Postmortem(audit, template, work.resolve("postmortems"), Clock.fixed(NOW, ZoneOffset.UTC))
                .write("rollback_1764300000", false);
        assertEquals(work.resolve("postmortems").resolve("2025-11-28-rollback_1764300000.md"), written);
        assertEquals(List.of(
                "failed at step eval in 1m 01s",
                "| time (UTC) | event | step | status | duration | detail |",
                "|---|---|---|---|---|---|",
                "| 2025-11-28 03:20:00 | rollback_auto | - | started | - | reason=gate_fail_rate; snapshot=20251127-030000; "
                        + "release=v1.0.0; host=ops-1; dry_run=false |",
                "| 2025-11-28 03:20:00 | rollback_step | lock | started | - | - |",
                "| 2025-11-28 03:20:00 | rollback_step | lock | succeeded | 0.0 s | advisory lock 7216 |",
                "| 2025-11-28 03:21:01 | rollback_step | eval | failed | 1m 01s | faithfulness 0.71 < 0.80 |",
                "| 2025-11-28 03:21:01 | rollback_finished | eval | failed | 1m 01s | - |"),
                Files.readAllLines(written).stream().filter(line -> !line.startsWith("<!-- ragback draft; sha256 ")).toList());
        assertTrue(Files.readString(written).endsWith(" -->\n"), "the draft ends with its seal");
    }
}
