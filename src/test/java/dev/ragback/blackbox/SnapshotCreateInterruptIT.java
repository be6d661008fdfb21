package dev.ragback.blackbox;

import dev.ragback.testing.Processes;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.Waits;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C during snapshot create (issue 14 item 3): it stops cleanly, exit 130, and no half set is left to look complete. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class SnapshotCreateInterruptIT {
    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events, ragback_leases, dump_gate CASCADE");
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, 500);
        qdrant = new QdrantDouble();
        RagFixtures.loadPoints(qdrant, 500);
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    @Test
    @Scenario(broken = "SIGINT (Ctrl-C) during snapshot create, while the Qdrant snapshot downloads",
            expected = "exit 130; no set at all (the unfinished one removed); the server-side snapshot deleted")
    void ctrlCDuringCreateLeavesNoSetAndNoServerSnapshot(ScenarioOutcome outcome) throws Exception {
        qdrant.stallNextDownloads(1, Duration.ofSeconds(60));
        Path io = Files.createTempDirectory(work, "run-");
        Process create = cli.start(io, "snapshot", "create");
        try {
            Waits.until(() -> !create.isAlive() || !qdrant.snapshotNames("rag_main_v2").isEmpty() && entries().stream()
                    .anyMatch(n -> n.startsWith(".tmp-")), "the create to reach the download");
            Thread.sleep(300);
            Processes.signal(create.pid(), "INT");
            String stderr;
            int exit = create.waitFor();
            stderr = Files.readString(io.resolve("stderr"));
            assertEquals(130, exit, stderr);
            assertTrue(stderr.contains("the unfinished set was removed"), stderr);
        } finally {
            create.destroyForcibly();
        }
        assertEquals(List.of(), entries().stream().filter(n -> !n.equals("SHA256SUMS")).toList(), "no set, complete or not");
        assertEquals(List.of(), qdrant.snapshotNames("rag_main_v2"), "the server-side snapshot is deleted");
        cli.run("snapshot", "create").assertExit(0);
        outcome.observed("exit 130, nothing left; the next create exit 0").dataIntact(true);
    }

    private List<String> entries() {
        Path backups = work.resolve("backups");
        if (!Files.isDirectory(backups)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(backups)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
