package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.cli.JsonShape;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** history and postmortem through bin/ragback, over task_events rows inserted as SPEC section 8 gives them. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class HistoryCliIT {
    private static final String FAILED_RUN = "rollback_1764300000";

    @TempDir
    Path work;

    private PgDatabase db;
    private RagbackCli cli;

    @BeforeEach
    void fourRuns(PgDatabase db) throws IOException {
        this.db = db;
        db.execute("DROP TABLE IF EXISTS task_events; CREATE TABLE task_events (id bigserial PRIMARY KEY, task_id text NOT NULL, "
                + "event_type text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())");
        start(FAILED_RUN, "faithfulness_drop", "2025-11-28T03:20:00+00:00", false, "03:20:00");
        step(FAILED_RUN, "lock", "started", null, null, "03:20:00.1");
        step(FAILED_RUN, "lock", "succeeded", 40, "advisory lock held", "03:20:00.14");
        step(FAILED_RUN, "eval", "started", null, null, "03:20:00.2");
        step(FAILED_RUN, "eval", "failed", 61000, "faithfulness 0.71 < 0.80", "03:21:01.2");
        finish(FAILED_RUN, "failed", "eval", 61.4, "03:21:01.4");
        insert("traffic", "traffic_set", "{\"old\": 0, \"new\": 100}", "05:00:00");
        start("rollback_1764310000", "manual", "2025-11-28T06:06:40Z", true, "06:06:40");
        finish("rollback_1764310000", "succeeded", null, 2, "06:06:42");
        start("rollback_1764320000", "latency_spike", "2025-11-28T08:53:20Z", false, "08:53:20");
        step("rollback_1764320000", "restore", "started", null, null, "08:53:21");
        finish("rollback_1764320000", "aborted", "restore", 42.5, "08:54:02.5");
        start("rollback_1764330000", "manual", "2025-11-28T11:40:00Z", false, "11:40:00");
        step("rollback_1764330000", "restore", "started", null, null, "11:40:03");

        Files.createDirectories(work.resolve("ops/templates"));
        Files.copy(RagbackCli.projectDir().resolve("ops/templates/postmortem.md"), work.resolve("ops/templates/postmortem.md"));
        cli = RagbackCli.create().workDir(work).env(db.env());
    }

    private void start(String run, String reason, String timestamp, boolean dryRun, String time) {
        insert(run, "rollback_auto", "{\"reason\": \"" + reason + "\", \"timestamp\": \"" + timestamp + "\", \"snapshot\": "
                + "\"20251127-030000\", \"release\": \"v1.0.0\", \"host\": \"ops-1\", \"dry_run\": " + dryRun + "}", time);
    }

    private void step(String run, String step, String status, Integer millis, String detail, String time) {
        insert(run, "rollback_step", "{\"step\": \"" + step + "\", \"status\": \"" + status + "\", \"duration_ms\": " + millis
                + ", \"detail\": " + (detail == null ? "null" : "\"" + detail + "\"") + "}", time);
    }

    private void finish(String run, String outcome, String failedStep, double seconds, String time) {
        insert(run, "rollback_finished", "{\"outcome\": \"" + outcome + "\", \"failed_step\": "
                + (failedStep == null ? "null" : "\"" + failedStep + "\"") + ", \"duration_s\": " + seconds + "}", time);
    }

    private void insert(String taskId, String type, String metadata, String time) {
        db.execute("INSERT INTO task_events (task_id, event_type, metadata, created_at) VALUES ('" + taskId + "', '" + type
                + "', '" + metadata + "', TIMESTAMPTZ '2025-11-28 " + time + "+00')");
    }

    @Test
    void historyListsTheRunsNewestFirst() {
        RagbackCli.Result result = cli.run("history").assertExit(0);
        assertEquals(List.of(
                "RUN                  STARTED (UTC)        DURATION  OUTCOME               STEP         REASON",
                "rollback_1764330000  2025-11-28 11:40:00  3.0 s     incomplete            at restore   manual",
                "rollback_1764320000  2025-11-28 08:53:20  42.5 s    aborted               restore      latency_spike",
                "rollback_1764310000  2025-11-28 06:06:40  2.0 s     succeeded (dry run)   -            manual",
                "rollback_1764300000  2025-11-28 03:20:00  1m 01s    failed                eval         faithfulness_drop"),
                result.stdoutLines());
        assertEquals("", result.stderr());

        assertEquals(List.of("rollback_1764330000", "rollback_1764320000"),
                cli.run("history", "--limit", "2").assertExit(0).stdoutLines().stream().skip(1).map(l -> l.split(" ")[0]).toList());
    }

    @Test
    void historyJsonIsAListOfRuns() throws IOException {
        RagbackCli.Result result = cli.run("--json", "history").assertExit(0);
        JsonNode runs = new ObjectMapper().readTree(result.stdout());
        assertTrue(runs.isArray(), result.stdout());
        assertEquals(4, runs.size());
        JsonNode failed = runs.get(3);
        assertEquals("{run_id:string,reason:string,started_at:string,duration_s:float,outcome:string,failed_step:string,"
                + "last_step:string,dry_run:bool,snapshot:string,release:string,host:string}",
                JsonShape.of(failed));
        assertEquals(FAILED_RUN, failed.get("run_id").asText());
        assertEquals("faithfulness_drop", failed.get("reason").asText());
        assertEquals("2025-11-28T03:20:00Z", failed.get("started_at").asText());
        assertEquals(61.4, failed.get("duration_s").asDouble());
        assertEquals("failed", failed.get("outcome").asText());
        assertEquals("eval", failed.get("failed_step").asText());
        assertEquals("20251127-030000", failed.get("snapshot").asText());
        assertEquals("v1.0.0", failed.get("release").asText());
        assertTrue(runs.get(1).get("failed_step").asText().equals("restore") && runs.get(2).get("dry_run").asBoolean(), result.stdout());
        assertTrue(runs.get(0).get("failed_step").isNull());
    }

    @Test
    void anEmptyTaskDbHasNoRunsAndABadLimitIsAUsageError() {
        db.execute("DROP TABLE task_events");
        assertEquals("no rollback runs in TaskDB", cli.run("history").assertExit(0).stdout().strip());
        RagbackCli.Result bad = cli.run("history", "--limit", "0").assertExit(2);
        assertEquals("ragback: --limit must be from 1 to 1000, got 0", bad.stderrLines().get(bad.stderrLines().size() - 1));
    }

    @Test
    void postmortemWritesTheDraftWithTheTimelineUnderTheWorkDir() throws IOException {
        RagbackCli.Result result = cli.run("postmortem", FAILED_RUN).assertExit(0);
        assertEquals(work.resolve("ops/postmortems/2025-11-28-rollback_1764300000.md").toString(), result.stdout().strip());
        Path draft = work.resolve("ops/postmortems/2025-11-28-rollback_1764300000.md");
        String text = Files.readString(draft);
        assertTrue(text.startsWith("# Postmortem: rollback rollback_1764300000\n"), text);
        assertFalse(text.contains("{{"), text);
        for (String line : new String[] {
            "| Trigger (reason) | `faithfulness_drop` |",
            "| Outcome | **failed at step eval** |",
            "| Snapshot set restored | `20251127-030000` |",
            "| Release reverted to | `v1.0.0` |",
            "| Rollback duration | 1m 01s |",
            "| time (UTC) | event | step | status | duration | detail |",
            "| 2025-11-28 03:20:00 | rollback_auto | - | started | - | reason=faithfulness_drop; snapshot=20251127-030000; "
                    + "release=v1.0.0; host=ops-1; dry_run=false |",
            "| 2025-11-28 03:20:00 | rollback_step | lock | succeeded | 0.0 s | advisory lock held |",
            "| 2025-11-28 03:21:01 | rollback_step | eval | failed | 1m 01s | faithfulness 0.71 < 0.80 |",
            "| 2025-11-28 03:21:01 | rollback_finished | eval | failed | 1m 01s | - |"}) {
            assertTrue(text.lines().anyMatch(line::equals), "missing line: " + line + "\n" + text);
        }
        assertEquals(6, text.lines().filter(l -> l.startsWith("| 2025-11-28 ")).count(), "one row per event of the run:\n" + text);

        RagbackCli.Result json = cli.run("--json", "postmortem", FAILED_RUN).assertExit(0);
        assertEquals("{path:string}",
                JsonShape.of(json.stdout()));
        assertEquals(work.resolve("ops/postmortems/2025-11-28-rollback_1764300000.md").toString(), new ObjectMapper().readTree(json.stdout()).get("path").asText());
        assertEquals(text, Files.readString(draft), "an unchanged draft is left as it was");
    }

    @Test
    void anEditedDraftIsKeptUnlessForced() throws IOException {
        cli.run("postmortem", FAILED_RUN).assertExit(0);
        Path draft = work.resolve("ops/postmortems/2025-11-28-rollback_1764300000.md");
        Files.writeString(draft, "Root cause: the v1.1.0 re-index.\n");
        RagbackCli.Result refused = cli.run("postmortem", FAILED_RUN).assertExit(2);
        assertTrue(refused.stderr().contains("ragback postmortem rollback_1764300000 --force"), refused.stderr());
        assertEquals("Root cause: the v1.1.0 re-index.\n", Files.readString(draft));
        cli.run("postmortem", FAILED_RUN, "--force").assertExit(0);
        assertTrue(Files.readString(draft).startsWith("# Postmortem: rollback rollback_1764300000"));
    }

    @Test
    void badAndUnknownRunIds() throws IOException {
        RagbackCli.Result traversal = cli.run("postmortem", "../x").assertExit(2);
        assertEquals("ragback: run id '../x' is not allowed: it contains '..'",
                traversal.stderrLines().get(traversal.stderrLines().size() - 1));
        cli.run("postmortem", "rollback_12ab").assertExit(2);

        RagbackCli.Result unknown = cli.run("postmortem", "rollback_42").assertExit(1);
        assertEquals("ragback: no events for run rollback_42 in TaskDB — ragback history lists the runs TaskDB knows; "
                + "check taskdb.url points at the right database", unknown.stderrLines().get(unknown.stderrLines().size() - 1));
        assertFalse(Files.exists(work.resolve("ops/postmortems")));
    }

    @Test
    void aTaskDbThatIsDownFailsWithExit1() {
        RagbackCli.Result result = cli.env("PGPORT", "1").run("history").assertExit(1);
        List<String> lines = result.stderrLines();
        assertTrue(lines.get(0).startsWith("ragback: note: no config file found"), result.stderr());
        assertTrue(lines.get(lines.size() - 1).startsWith("ragback: PostgreSQL at "), result.stderr());
    }
}
