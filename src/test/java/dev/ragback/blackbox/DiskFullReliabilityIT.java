package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.DiskLimit;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backups dir runs out of space: a small tmpfs where the test may mount one, else every file
 * ragback writes is capped with {@code prlimit --fsize} (see {@link DiskLimit}). The golden set
 * already there must survive, and no half-written set may look complete.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class DiskFullReliabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CAPACITY = 24L << 20;
    private static final String DISK_FULL = "(?s).*(no space left|file too large|disk is full|disk full).*";

    @TempDir
    Path work;

    private PgDatabase db;
    private QdrantDouble qdrant;
    private RagbackCli cli;
    private RagbackCli limited;
    private DiskLimit disk;
    private Path backups;
    private byte[] sumsBefore;

    @BeforeAll
    static void database(PgDatabase db) {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events, ragback_leases, dump_gate CASCADE");
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, 1000);
        RagFixtures.createTaskEvents(db);
    }

    @BeforeEach
    void setUp(PgDatabase db) throws Exception {
        this.db = db;
        backups = work.resolve("backups");
        disk = "prlimit".equals(System.getenv("RAGBACK_DISKLIMIT")) ? DiskLimit.fallback(backups, "forced by RAGBACK_DISKLIMIT")
                : DiskLimit.on(backups, CAPACITY);
        assumeTrue(disk.tmpfs() || Files.isExecutable(DiskLimit.prlimit()), "neither a tmpfs nor prlimit: " + disk.mechanism());
        qdrant = new QdrantDouble();
        RagFixtures.loadPoints(qdrant, 1000);
        Files.writeString(work.resolve("eval.sh"), "echo '{\"faithfulness\": 0.9}'\n");
        Files.createDirectories(work.resolve("ops/state"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "eval:\n  command: [\"sh\", \"" + work.resolve("eval.sh") + "\"]\n");
        Files.writeString(work.resolve("ops/state/traffic"), "100\n");
        cli = configure(RagbackCli.create());
        limited = configure(new RagbackCli(DiskLimit.prlimit())).pipes(true);
        cli.run("snapshot", "create", "--golden", "--label", "before the disk filled up").assertExit(0);
        sumsBefore = Files.readAllBytes(backups.resolve("SHA256SUMS"));
    }

    private RagbackCli configure(RagbackCli base) {
        return base.workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString())
                .env("RAGBACK_JAVA_OPTS", "-XX:-UsePerfData");
    }

    @AfterEach
    void tearDown() {
        if (qdrant != null) {
            qdrant.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    @Scenario(broken = "backups dir fills up in the middle of the Qdrant snapshot download",
            expected = "exit 1; last line 'ragback: ' names the full disk and what to do; no new complete set; SHA256SUMS "
                    + "unchanged; golden set verifies; no server-side snapshot left")
    void diskFullDuringQdrantDownload(ScenarioOutcome outcome) throws Exception {
        qdrant.snapshotBallast(6L << 20);
        qdrant.delay(Duration.ofMillis(300)); // the small dump is written before the download starts
        disk.leaveFree(1L << 20);
        qdrant.clearRequests();
        RagbackCli.Result result = disk.run(cli, limited, "snapshot", "create").assertExit(1);
        String last = lastLine(result);
        assertCleanDiskFullFailure(result, last);
        assertTrue(last.toLowerCase().contains("qdrant"), "names the Qdrant snapshot: " + result.stderr());
        assertEquals(1, qdrant.requests().stream().filter(r -> r.method().equals("GET") && r.path().matches(".*/snapshots/.+")).count(),
                "a full disk is not a reason to download again");
        qdrant.resetFaults();
        boolean intact = assertNothingHalfWritten();
        outcome.observed(disk.mechanism() + "; exit 1: " + last).dataIntact(intact);
    }

    @Test
    @Scenario(broken = "backups dir fills up in the middle of pg_dump",
            expected = "exit 1; last line names the full disk and pg_dump; no new complete set; SHA256SUMS unchanged; "
                    + "golden set verifies; no server-side snapshot left")
    void diskFullDuringPgDump(ScenarioOutcome outcome) throws Exception {
        qdrant.delay(Duration.ofMillis(500)); // the dump fails while the Qdrant half is still asking
        disk.leaveFree(qdrantSnapshotBytes() + (64 << 10));
        RagbackCli.Result result = disk.run(cli, limited, "--set", "postgres.compress=0", "snapshot", "create").assertExit(1);
        String last = lastLine(result);
        assertCleanDiskFullFailure(result, last);
        assertTrue(last.contains("pg_dump") || last.contains("postgres"), "names the dump: " + result.stderr());
        qdrant.resetFaults();
        boolean intact = assertNothingHalfWritten();
        outcome.observed(disk.mechanism() + "; exit 1: " + last).dataIntact(intact);
    }

    @Test
    @Scenario(broken = "backups dir full (no byte free) during snapshot restore of the golden set",
            expected = "restore only reads the backups dir: exit 0; both stores equal the golden set (verify exit 0)")
    void restoreFromAFullDiskWorks(ScenarioOutcome outcome) throws Exception {
        List<String> golden = points();
        long goldenRows = count("SELECT count(*) FROM rag_chunks");
        db.execute("DELETE FROM rag_chunks WHERE id % 3 = 0");
        qdrant.deletePoints("rag_main_v2", 1L, 2L, 3L);
        disk.leaveFree(0);
        RagbackCli.Result result = disk.run(cli, limited, "snapshot", "restore", "--yes").assertExit(0);
        assertFalse(result.stderr().contains("\tat "), result.stderr());
        cli.run("verify").assertExit(0);
        assertEquals(goldenRows, count("SELECT count(*) FROM rag_chunks"));
        assertEquals(golden, points());
        outcome.observed(disk.mechanism() + "; restore exit 0, verify exit 0").dataIntact(golden.equals(points()));
    }

    @Test
    @Scenario(broken = "TaskDB unreachable and the backups dir full: rollback auto cannot write its lock file or local journal",
            expected = "exit 1 before anything changes; last line names the full disk; database, collection and traffic "
                    + "as they were; no lock file left behind")
    void rollbackThatCannotJournalChangesNothing(ScenarioOutcome outcome) throws Exception {
        db.execute("DELETE FROM rag_chunks WHERE id % 7 = 0");
        qdrant.deletePoints("rag_main_v2", 1L, 2L);
        long rows = count("SELECT count(*) FROM rag_chunks");
        List<String> before = points();
        disk.leaveFree(0);
        RagbackCli down = configure(RagbackCli.create()).env("TASKDB_URL", "jdbc:postgresql://127.0.0.1:1/ragdb");
        RagbackCli downLimited = configure(new RagbackCli(DiskLimit.prlimit())).pipes(true).env("TASKDB_URL", "jdbc:postgresql://127.0.0.1:1/ragdb");
        RagbackCli.Result result = disk.run(down, downLimited, "rollback", "auto", "--reason", "disk_full", "--yes").assertExit(1);
        String last = lastLine(result);
        assertCleanDiskFullFailure(result, last);
        assertTrue(last.contains("lock file") || last.contains("journal"), result.stderr());
        assertEquals("100", Files.readString(work.resolve("ops/state/traffic")).strip(), "traffic changed");
        assertEquals(rows, count("SELECT count(*) FROM rag_chunks"), "database changed");
        assertEquals(before, points(), "collection changed");
        assertFalse(Files.exists(backups.resolve(".journal/lock")), "lock file left behind");
        disk.makeRoom();
        cli.run("snapshot", "verify", "--all").assertExit(0);
        outcome.observed(disk.mechanism() + "; exit 1: " + last).dataIntact(before.equals(points()));
    }

    private static void assertCleanDiskFullFailure(RagbackCli.Result result, String last) {
        assertTrue(last.startsWith("ragback: "), result.stderr());
        assertTrue(last.toLowerCase().matches(DISK_FULL), "names the full disk: " + result.stderr());
        String hint = last.contains(" — ") ? last.substring(last.indexOf(" — ")) : "";
        assertTrue(hint.contains("free space") || hint.contains("ulimit -f"), "says what to do: " + result.stderr());
        assertFalse(last.contains("start Qdrant") || last.contains("install the PostgreSQL"), "blames the wrong system: " + last);
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), "stack trace: " + result.stderr());
    }

    /** Only the golden set is complete, SHA256SUMS is as it was, the golden set verifies, Qdrant keeps no snapshot. */
    private boolean assertNothingHalfWritten() throws Exception {
        disk.makeRoom();
        JsonNode sets = JSON.readTree(cli.run("--json", "snapshot", "list").assertExit(0).stdout());
        int complete = 0;
        for (JsonNode set : sets) {
            complete += "complete".equals(set.get("status").asText()) ? 1 : 0;
        }
        assertEquals(1, complete, sets.toString());
        try (Stream<Path> entries = Files.list(backups)) {
            List<String> temps = entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).toList();
            assertTrue(temps.isEmpty() || sets.toString().contains("incomplete"), "temp dirs not marked: " + temps + " " + sets);
        }
        assertArrayEquals(sumsBefore, Files.readAllBytes(backups.resolve("SHA256SUMS")), "SHA256SUMS changed");
        cli.run("snapshot", "verify", "--all").assertExit(0);
        cli.run("verify").assertExit(0);
        assertEquals(List.of(), qdrant.snapshotNames("rag_main_v2"), "server-side snapshot left behind");
        return true;
    }

    private long qdrantSnapshotBytes() throws Exception {
        JsonNode sets = JSON.readTree(cli.run("--json", "snapshot", "list").assertExit(0).stdout());
        String id = sets.get(0).get("id").asText();
        return Files.size(backups.resolve(id).resolve("qdrant/rag_main_v2.snapshot"));
    }

    private static String lastLine(RagbackCli.Result result) {
        List<String> lines = result.stderrLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private List<String> points() {
        return qdrant.pointLines("rag_main");
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.connection().open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
