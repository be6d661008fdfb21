package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.Processes;
import dev.ragback.testing.Waits;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.http.Receiver;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doctor through bin/ragback against the throwaway PostgreSQL and the Qdrant double. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class DoctorCliIT {
    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) throws IOException {
        db.execute("CREATE TABLE IF NOT EXISTS task_events (id bigserial PRIMARY KEY, task_id text NOT NULL, "
                + "event_type text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())");
        qdrant = new QdrantDouble("doctor-api-key-4711");
        qdrant.createCollection("rag_main_v2", 4, "Cosine");
        qdrant.createAlias("rag_main", "rag_main_v2");
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        cli = RagbackCli.create().workDir(work).env(db.env())
                .env("QDRANT_URL", qdrant.url().toString())
                .env("QDRANT_API_KEY", "doctor-api-key-4711");
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    /** What rollback auto needs beyond healthy stores: an evaluator, a current release, a golden set. */
    private void readyForARollback() throws IOException {
        Files.createDirectories(work.resolve("ops/releases/v1.0.0"));
        Files.createSymbolicLink(work.resolve("ops/releases/current"), Path.of("v1.0.0"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "eval:\n  command: [\"true\"]\n");
        cli.run("snapshot", "create", "--golden").assertExit(0);
    }

    @Test
    void passesAgainstAHealthyStack() throws IOException {
        readyForARollback();
        RagbackCli.Result result = cli.run("doctor");
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        for (String check : new String[] {"postgres", "pg_tools", "taskdb", "qdrant", "collection", "qdrant_files", "backups",
                "matrix", "golden", "eval", "release", "traffic"}) {
            assertTrue(result.stdout().matches("(?s).*\\R  ok    " + check + " .*"), check + " not ok:\n" + result.stdout());
        }
        assertTrue(result.stdout().contains("rag_main -> rag_main_v2 (alias), green"), result.stdout());
        assertTrue(result.stdout().contains("  qdrant     Qdrant 1.19.0, ready, 1 collections, single node (cluster disabled)"),
                result.stdout());
        assertFalse((result.stdout() + result.stderr()).contains("doctor-api-key-4711"), "api key printed");
        assertFalse((result.stdout() + result.stderr()).contains(ThrowawayPostgres.shared().password()), "password printed");
        assertTrue(qdrant.requests().stream().allMatch(r -> "doctor-api-key-4711".equals(r.header("api-key"))),
                "every request carries the api-key header");

        JsonNode json = new ObjectMapper().readTree(cli.run("--json", "doctor").stdout());
        assertTrue(json.get("healthy").asBoolean());
        assertEquals(13, json.get("checks").size());
    }

    @Test
    void failsWhileARollbackCouldNotRunNamingTheStepEachGapBlocks() {
        RagbackCli.Result result = cli.run("doctor");
        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stderr().contains("fail: golden: no golden snapshot set: blocks rollback auto at plan"), result.stderr());
        assertTrue(result.stderr().contains("fail: eval: eval.command is not set: blocks rollback auto at plan"), result.stderr());
        assertTrue(result.stderr().matches("(?s).*fail: release: .*: rollback auto's revert step is skipped.*"), result.stderr());
        assertTrue(result.stdout().matches("(?s).*\\R  ok    traffic +100 % .*"), "a missing traffic file reads as 100:\n" + result.stdout());
    }

    @Test
    void stoppedPostgresExits1WithOneLineCauseAndNoStackTrace() {
        RagbackCli.Result result = cli.env("PGPORT", String.valueOf(ThrowawayPostgres.closedPort())).run("doctor");
        assertEquals(1, result.exitCode(), result.stderr());
        String[] errLines = result.stderr().strip().split("\\R");
        assertTrue(errLines[0].startsWith("fail: postgres: "), result.stderr());
        assertTrue(errLines[0].contains("— start PostgreSQL"), errLines[0]);
        assertEquals("ragback: doctor: 5 of 13 checks failed — fix the lines above, then run: ragback doctor",
                errLines[errLines.length - 1], result.stderr());
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.stderr());
    }

    @Test
    void showsClusterModeAsAFailureAndFilesRagbackLeftAsAWarningNamingTheCommandThatRemovesThem() throws IOException {
        readyForARollback();
        assertEquals(500, qdrant.upload("rag_main_v2", "ragback-20261128-031502-rag_main_v2_r1.snapshot", new byte[2048]),
                "a copy Qdrant keeps though the recovery failed");
        RagbackCli.Result left = cli.run("doctor").assertExit(0);
        assertTrue(left.stdout().contains("  warn  qdrant_files 1 snapshot file(s) left by ragback on the Qdrant host (2.0 KiB): "
                + "rag_main_v2/ragback-20261128-031502-rag_main_v2_r1.snapshot"), left.stdout());
        assertTrue(left.stdout().contains("-> remove them: ragback qdrant prune-snapshots --yes"), left.stdout());
        cli.run("qdrant", "prune-snapshots", "--yes").assertExit(0);
        assertEquals(java.util.List.of(), qdrant.snapshotFiles());
        assertTrue(cli.run("doctor").assertExit(0).stdout().contains("  ok    qdrant_files no snapshot files left by ragback"));

        qdrant.clusterPeers(3);
        RagbackCli.Result cluster = cli.run("doctor").assertExit(1);
        assertTrue(cluster.stderr().contains("fail: qdrant: Qdrant 1.19.0, ready, 1 collections, cluster mode, 3 peers, qdrant.nodes"
                + " not set — ragback refuses snapshots and restores on a cluster without the REST URL of every peer: set qdrant.nodes"),
                cluster.stderr());
    }

    @Test
    void missingCollectionAndUnreadyQdrantFail() {
        qdrant.ready(false);
        RagbackCli.Result result = cli.env("QDRANT_COLLECTION", "nope").run("doctor");
        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("fail: qdrant: Qdrant 1.19.0 is not ready"), result.stderr());
        assertTrue(result.stderr().contains("fail: collection: no collection or alias named nope"), result.stderr());
    }

    @Test
    void ctrlCWhileACommandWithoutItsOwnCleanStopRunsSaysSoAndExits130() throws Exception {
        try (Receiver hanging = new Receiver()) {
            hanging.delay(Duration.ofMinutes(2));
            Path io = TempDirs.create("doctor-ctrl-c-");
            Process doctor = cli.env("QDRANT_URL", hanging.url("").toString()).start(io, "doctor");
            try {
                Waits.until(() -> !hanging.received().isEmpty() || !doctor.isAlive(), "doctor asking Qdrant");
                Processes.signal(doctor.pid(), "INT");
                assertTrue(doctor.waitFor(30, TimeUnit.SECONDS), "doctor stopped");
                String stderr = Files.readString(io.resolve("stderr"));
                assertEquals(130, doctor.exitValue(), stderr);
                assertTrue(stderr.strip().endsWith("ragback: stopped by a signal while the command ran, before it could stop cleanly;"
                        + " if it was changing something, check the stores with: ragback verify"), stderr);
            } finally {
                doctor.destroyForcibly();
                TempDirs.delete(io);
            }
        }
    }
}
