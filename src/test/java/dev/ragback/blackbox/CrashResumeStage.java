package dev.ragback.blackbox;

import dev.ragback.testing.GoldenSet;
import dev.ragback.testing.Processes;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the crash classes share: each test starts from the class's golden set (schema v1.1.0, releases v1.0.0,
 * v1.1.0 green and current, v2.0.0), then the bad change; the kill of a rollback auto and the checks after its --resume.
 */
@BlackBox
abstract class CrashResumeStage {
    /** Chunks in the golden set of both crash classes ({@code @RollbackGoldenSet(chunks = CrashResumeStage.CHUNKS)}). */
    static final int CHUNKS = 1500;

    @TempDir
    Path work;

    PgDatabase db;
    QdrantDouble qdrant;
    RagbackCli cli;
    List<List<String>> goldenRows;
    private List<String> goldenPoints;

    @BeforeEach
    void stageTheBadChange(PgDatabase db, GoldenSet golden) throws Exception {
        this.db = db;
        qdrant = new QdrantDouble();
        RollbackStage.fromGoldenSet(golden, work, qdrant, CHUNKS);
        RollbackStage.evaluator(work, "");
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
        goldenRows = db.rows(RollbackStage.SECTION_7);
        goldenPoints = points();
        RollbackStage.damage(db, qdrant, work);
    }

    /** SIGKILL to {@code run}'s children, then to it; what happened, for the scenario's observed column. */
    String kill(Process run) throws Exception {
        boolean alive = run.isAlive();
        run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly().waitFor();
        return alive ? "killed (exit " + run.exitValue() + ")" : "finished before the kill (exit " + run.exitValue() + ")";
    }

    /** --resume of the run whose output is in {@code io}: green, verified, both stores equal the golden set; deletes {@code io}. */
    String resumeAndCheck(Path io) throws Exception {
        String stdout = Processes.stdoutSoFar(io);
        String runId = stdout.replaceAll("(?s).*Rollback (rollback_\\d+).*", "$1");
        assertTrue(runId.matches("rollback_\\d+"), stdout);
        RagbackCli.Result resumed = cli.run("rollback", "auto", "--resume", runId, "--yes").assertExit(0);
        cli.run("verify").assertExit(0);
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(work.resolve("ops/releases/current")));
        assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip());
        assertEquals(goldenRows, db.rows(RollbackStage.SECTION_7));
        assertEquals(goldenPoints, points());
        assertEquals("succeeded", db.rows("SELECT metadata->>'outcome' FROM task_events WHERE task_id = '" + runId
                + "' AND event_type = 'rollback_finished' ORDER BY id DESC LIMIT 1").get(0).get(0));
        assertTrue(resumed.stdout().contains("traffic_off"), resumed.stdout());
        TempDirs.delete(io);
        return "resume exit 0, verify exit 0, current v1.1.0, traffic 0";
    }

    boolean storesEqualGolden() throws Exception {
        return goldenRows.equals(db.rows(RollbackStage.SECTION_7)) && goldenPoints.equals(points());
    }

    private List<String> points() {
        return qdrant.pointLines("rag_main");
    }

    @AfterEach
    void stopQdrant() {
        if (qdrant != null) {
            qdrant.close();
        }
    }
}
