package dev.ragback.blackbox;

import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Traffic is mentioned where it matters: a restore planned while users are served, a rollback that stops before traffic_off. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class TrafficWarningsCliIT {

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    private String serving() {
        return "traffic is at 100 % (file " + work.resolve("ops/state/traffic") + "): users are being served from ";
    }

    @BeforeEach
    void setUp(PgDatabase db) throws Exception {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        qdrant = new QdrantDouble();
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
        cli.run("--set", "migrations.dir=" + RagbackCli.projectDir().resolve("ops/migrations"), "migrate", "up", "--to", "v1.0.0")
                .assertExit(0);
        RagFixtures.loadChunks(db, 200);
        RagFixtures.createTaskEvents(db);
        RagFixtures.loadPoints(qdrant, 200);
        Files.createDirectories(work.resolve("ops/state"));
        Files.writeString(work.resolve("ops/state/traffic"), "100\n");
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    @Test
    void aRestorePlannedWhileUsersAreServedSaysSoInThePlan() throws Exception {
        cli.run("snapshot", "create", "--golden").assertExit(0);
        RagbackCli.Result served = cli.run("snapshot", "restore", "--dry-run").assertExit(0);
        assertTrue(served.stdoutLines().contains("  traffic   " + serving() + "the stores being restored; stop it: make traffic:0 "
                + "(or: ragback traffic set 0)"), served.stdout());

        Files.writeString(work.resolve("ops/state/traffic"), "0\n");
        RagbackCli.Result stopped = cli.run("snapshot", "restore", "--dry-run").assertExit(0);
        assertFalse(stopped.stdout().contains("users are being served"), stopped.stdout());
    }

    @Test
    void aRollbackThatStopsAtPlanWithTrafficOnSaysSoAndHowToStopIt() {
        // no golden set: the run is blocked at plan, before traffic_off
        RagbackCli.Result blocked = cli.run("rollback", "auto", "--reason", "manual", "--yes");
        assertEquals(5, blocked.exitCode(), blocked.toString());
        assertTrue(blocked.stderr().contains("warning: " + serving() + "the stores this rollback did not restore; stop it: "
                + "make traffic:0"), blocked.stderr());
    }
}
