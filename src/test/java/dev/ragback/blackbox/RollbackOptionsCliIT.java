package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.GoldenSet;
import dev.ragback.testing.RollbackGoldenSet;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.http.Receiver;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rollback auto's options through bin/ragback: --snapshot, --force, --break-lock, --restore-traffic;
 * and rag_rollback_total{reason} growing from one run to the next.
 */
@RollbackGoldenSet(chunks = RollbackOptionsCliIT.CHUNKS)
@BlackBox
class RollbackOptionsCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INCOMPATIBLE = "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
            + "|---|---|---|---|\n| v1.1.0 | v1.1.0 | rag_main_v2 | ❌ INCOMPATIBLE |\n";

    @TempDir
    Path work;

    private PgDatabase db;
    private QdrantDouble qdrant;
    private RagbackCli cli;
    private Path releases;
    private Receiver receiver;

    static final int CHUNKS = 1500;
    @BeforeEach
    void setUp(PgDatabase db, GoldenSet golden) throws Exception {
        this.db = db;
        qdrant = new QdrantDouble();
        RollbackStage.fromGoldenSet(golden, work, qdrant, CHUNKS);
        releases = work.resolve("ops/releases");
        Files.createDirectories(work.resolve("metrics"));
        RollbackStage.evaluator(work, "metrics:\n  textfile: " + textfile() + "\n");
        receiver = new Receiver();
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString())
                .env("PUSHGATEWAY_URL", receiver.url("").toString());
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
        receiver.close();
    }

    private Path textfile() {
        return work.resolve("metrics/ragback.prom");
    }

    /** Both stores changed, a bad release live, traffic at 100. */
    private void damage() throws Exception {
        RollbackStage.damage(db, qdrant, work);
    }

    @Test
    void snapshotIdRestoresThatSetAlthoughANewerGoldenOneExists() throws Exception {
        String older = JSON.readTree(cli.run("--json", "snapshot", "list").assertExit(0).stdout()).get(0).get("id").asText();
        List<List<String>> olderRows = db.rows(RollbackStage.SECTION_7);
        List<String> olderPoints = points();
        db.execute("DELETE FROM rag_chunks WHERE id % 7 = 0");
        qdrant.deletePoints("rag_main_v2", 10L, 11L, 12L);
        String newer = JSON.readTree(cli.run("--json", "snapshot", "create", "--golden").assertExit(0).stdout()).get("id").asText();
        assertNotEquals(older, newer);
        assertNotEquals(olderRows, db.rows(RollbackStage.SECTION_7), "the two sets hold different data");
        damage();

        RagbackCli.Result run = cli.run("rollback", "auto", "--reason", "manual", "--snapshot", older, "--yes").assertExit(0);

        assertEquals(olderRows, db.rows(RollbackStage.SECTION_7), "PostgreSQL is back to the older set, not the newest golden one");
        assertEquals(olderPoints, points(), "Qdrant is back to the older set");
        assertTrue(run.stdout().contains(older), run.stdout());
        assertEquals(List.of(List.of(older)), db.rows("SELECT metadata->>'snapshot' FROM task_events WHERE event_type = 'rollback_auto'"));
        cli.run("verify", "--snapshot", older).assertExit(0);
    }

    @Test
    void forceGoesOnOverAnIncompatibleTargetAndJournalsIt() throws Exception {
        damage();
        Files.writeString(work.resolve("compat/matrix.md"), INCOMPATIBLE);

        // smoke's compat check sees the same forced triple: a warning there, not a gate
        RagbackCli.Result run = cli.run("rollback", "auto", "--reason", "manual", "--force", "--yes").assertExit(0);
        assertTrue(run.stderr().contains("warning: --force: smoke check compat failed and is not a gate here"), run.stderr());

        assertTrue(run.stderr().contains("warning: --force: (v1.1.0, v1.1.0, rag_main_v2) is INCOMPATIBLE; going on as asked"),
                run.stderr());
        assertFalse(run.stderr().contains("nothing was changed"), run.stderr());
        for (String step : List.of("plan", "traffic_off", "restore", "revert", "smoke", "eval", "report")) {
            assertTrue(run.stdout().matches("(?s).*\\n    " + step + " +succeeded .*"), step + " did not run:\n" + run.stdout());
        }
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(releases.resolve("current")), "the forced target went live");
        List<String> trail = new ArrayList<>();
        for (List<String> e : db.rows("SELECT event_type, metadata->>'step', metadata->>'status', metadata->>'triple' "
                + "FROM task_events WHERE event_type LIKE 'rollback_%' ORDER BY id")) {
            trail.add(e.get(0).equals("rollback_step") ? e.get(1) + " " + e.get(2)
                    : e.get(0).equals("rollback_forced") ? "rollback_forced " + e.get(3) : e.get(0));
        }
        assertEquals("rollback_auto", trail.get(0), trail.toString());
        assertEquals(1, trail.stream().filter(e -> e.startsWith("rollback_forced")).count(), trail.toString());
        int forced = trail.indexOf("rollback_forced (v1.1.0, v1.1.0, rag_main_v2)");
        assertTrue(forced > 0 && forced < trail.indexOf("traffic_off started"), "journaled before anything changed: " + trail);
        assertEquals(List.of(List.of("true", "INCOMPATIBLE")), db.rows("SELECT a.metadata->>'force', f.metadata->>'status' "
                + "FROM task_events a JOIN task_events f ON f.task_id = a.task_id "
                + "WHERE a.event_type = 'rollback_auto' AND f.event_type = 'rollback_forced'"));
    }

    @Test
    void aStaleLeaseOfADeadProcessExits4NamingItAndBreakLockTakesItOverAndJournalsIt() throws Exception {
        damage();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        db.execute("CREATE TABLE IF NOT EXISTS ragback_leases (name text PRIMARY KEY, run_id text NOT NULL, host text NOT NULL, "
                + "pid bigint NOT NULL, since timestamptz NOT NULL); INSERT INTO ragback_leases VALUES "
                + "('rollback', 'rollback_1764300000', '" + host + "', " + deadPid + ", now())");

        RagbackCli.Result refused = cli.run("rollback", "auto", "--reason", "manual", "--yes").assertExit(4);
        String last = refused.stderrLines().get(refused.stderrLines().size() - 1);
        assertTrue(last.contains("run rollback_1764300000 (pid " + deadPid + " on " + host), last);
        assertTrue(last.contains("--break-lock"), last);
        assertEquals("100", Files.readString(work.resolve("ops/state/traffic")).strip(), "nothing changed");
        assertEquals(List.of(), db.rows("SELECT id FROM task_events WHERE task_id LIKE 'rollback_%'"), "the refused run left no trail");

        RagbackCli.Result broke = cli.run("rollback", "auto", "--reason", "manual", "--break-lock", "--yes").assertExit(0);
        assertTrue(broke.stdout().matches("(?s).*\\n    lock +succeeded .*broke the stale lease of run rollback_1764300000.*"),
                broke.stdout());
        List<List<String>> events = db.rows("SELECT task_id, event_type, metadata->>'broken' FROM task_events "
                + "WHERE event_type LIKE 'rollback_%' ORDER BY id");
        assertEquals("rollback_auto", events.get(0).get(1));
        List<List<String>> brokenEvents = events.stream().filter(e -> e.get(1).equals("rollback_lock_broken")).toList();
        assertEquals(1, brokenEvents.size(), events.toString());
        assertEquals(events.get(0).get(0), brokenEvents.get(0).get(0), "journaled in the run that broke it");
        assertTrue(brokenEvents.get(0).get(2).contains("run rollback_1764300000 (pid " + deadPid + " on " + host),
                brokenEvents.get(0).get(2));
        assertEquals(List.of(), db.rows("SELECT run_id FROM ragback_leases"), "no lease left once the run ended");
        assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip());
    }

    @Test
    void restoreTrafficEndsAt100AndTheRollbackCounterGrowsAcrossRuns() throws Exception {
        damage();
        RagbackCli.Result first = cli.run("rollback", "auto", "--reason", "manual", "--restore-traffic", "--yes").assertExit(0);
        assertTrue(first.stdout().matches("(?s).*\\n    traffic_off +succeeded .*\\n    traffic_on +succeeded .*"), first.stdout());
        assertEquals("100", Files.readString(work.resolve("ops/state/traffic")).strip());
        assertEquals(List.of(List.of("traffic_off", "succeeded"), List.of("traffic_on", "succeeded")), db.rows(
                "SELECT metadata->>'step', metadata->>'status' FROM task_events WHERE event_type = 'rollback_step' "
                        + "AND metadata->>'step' LIKE 'traffic_%' AND metadata->>'status' <> 'started' ORDER BY id"));
        assertTrue(Files.readString(textfile()).contains("rag_rollback_total{reason=\"manual\"} 1"), Files.readString(textfile()));

        cli.run("rollback", "auto", "--reason", "manual", "--dry-run").assertExit(0);
        damage();
        cli.run("rollback", "auto", "--reason", "manual", "--restore-traffic", "--yes").assertExit(0);
        assertEquals("100", Files.readString(work.resolve("ops/state/traffic")).strip());

        String textfile = Files.readString(textfile());
        assertTrue(textfile.contains("rag_rollback_total{reason=\"manual\"} 2"), "two rollbacks, the dry run not counted:\n" + textfile);
        List<Receiver.Received> pushes = receiver.received("/metrics/job/ragback");
        assertEquals(2, pushes.size(), "one push per run, none for the dry run");
        assertTrue(pushes.get(0).body().contains("rag_rollback_total{reason=\"manual\"} 1"), pushes.get(0).body());
        assertTrue(pushes.get(1).body().contains("rag_rollback_total{reason=\"manual\"} 2"), pushes.get(1).body());
    }

    private List<String> points() {
        return qdrant.pointLines("rag_main");
    }
}
