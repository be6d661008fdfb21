package dev.ragback.app.doctor;

import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.snapshot.ManifestSignature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorServiceTest {
    @TempDir
    Path dir;

    private final FakeVectorStore qdrant = new FakeVectorStore().withCollection("rag_main_v2", "green", 1000)
            .withAlias("rag_main", "rag_main_v2");
    private final FakeDatabaseProbe postgres = new FakeDatabaseProbe();
    private final FakeDatabaseProbe taskDb = new FakeDatabaseProbe();
    private final FakeDumpTool tools = new FakeDumpTool();
    private Path matrix;
    private ManifestSignature signing = ManifestSignature.of("a-signing-key-of-32-characters!!");

    @BeforeEach
    void setUp() throws IOException {
        taskDb.tables.add("task_events");
        matrix = dir.resolve("matrix.md");
        Files.writeString(matrix, "| Binary Version | Schema Version | Qdrant Collection | Status |\n|---|---|---|---|\n| v1 | s1 | c1 | OK |\n");
    }

    private JudgeChecks judge;

    private DoctorReport run() {
        return new DoctorService(new DoctorService.Subjects(qdrant, "rag_main", postgres, taskDb, tools,
                new CompatService(matrix), new BackupsDirCheck(dir.resolve("backups")), signing, judge)).run();
    }

    private CheckResult check(DoctorReport report, String name) {
        return report.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void healthyStackPassesEveryCheckInOrder() {
        DoctorReport report = run();
        assertTrue(report.healthy(), report.toString());
        assertEquals(List.of("postgres", "pg_tools", "taskdb", "qdrant", "collection", "qdrant_files", "backups", "matrix",
                "signing"), report.checks().stream().map(CheckResult::name).toList());
        assertEquals("Qdrant 1.19.0, ready, 1 collections, single node (cluster disabled)", check(report, "qdrant").detail());
        assertEquals("no snapshot files left by ragback on the Qdrant host", check(report, "qdrant_files").detail());
        assertEquals("rag_main -> rag_main_v2 (alias), green, 1000 points", check(report, "collection").detail());
        assertTrue(check(report, "postgres").detail().contains("15.18"));
        assertTrue(check(report, "backups").detail().contains("free"));
    }

    @Test
    void aClusterFailsTheQdrantCheckAndAnUnknownOneWarns() {
        qdrant.cluster = new ClusterStatus(ClusterStatus.Mode.CLUSTER, 3, "enabled");
        CheckResult cluster = check(run(), "qdrant");
        assertEquals(CheckResult.Status.FAIL, cluster.status());
        assertTrue(cluster.detail().endsWith("cluster mode, 3 peers, qdrant.nodes not set"), cluster.detail());
        assertTrue(cluster.fix().contains("set qdrant.nodes (QDRANT_NODES)"), cluster.fix());
        qdrant.cluster = new ClusterStatus(ClusterStatus.Mode.UNKNOWN, 0, "GET /cluster answered 403");
        assertEquals(CheckResult.Status.WARN, check(run(), "qdrant").status());
    }

    @Test
    void aClusterWithItsNodesShowsPeersAndPlacementAndWarnsOfAReplicaNotActive() {
        qdrant.cluster = new ClusterStatus(ClusterStatus.Mode.CLUSTER, 3, "enabled");
        dev.ragback.app.fakes.FakeClusterNodes nodes = new dev.ragback.app.fakes.FakeClusterNodes(qdrant, 3).withShards("rag_main_v2", 6);
        java.util.function.Supplier<CheckResult> qdrantLine = () -> check(new DoctorService(new DoctorService.Subjects(qdrant,
                "rag_main", postgres, taskDb, tools, new CompatService(matrix), new BackupsDirCheck(dir.resolve("backups")), signing,
                judge, new dev.ragback.app.vectors.ShardsOverview(qdrant, nodes))).run(), "qdrant");
        CheckResult ok = qdrantLine.get();
        assertEquals(CheckResult.Status.OK, ok.status(), ok.toString());
        assertTrue(ok.detail().endsWith("; peers 1 at http://node-1:6333 up, 2 at http://node-2:6333 up, 3 at http://node-3:6333 up;"
                + " rag_main_v2: 6 shards, 12 replicas on peers [1, 2, 3], every replica Active"), ok.detail());
        nodes.stuck.put("rag_main_v2/4/2", "Partial");
        CheckResult partial = qdrantLine.get();
        assertEquals(CheckResult.Status.WARN, partial.status());
        assertTrue(partial.detail().endsWith("not Active: shard 4 (peer 2: Partial)"), partial.detail());
    }

    @Test
    void filesRagbackLeftOnTheQdrantHostWarnAndNameTheCommandThatRemovesThem() {
        qdrant.serverSnapshots.put("ragback-20261128-031502-rag_main_v2.snapshot",
                new SnapshotInfo("ragback-20261128-031502-rag_main_v2.snapshot", null, 3L << 20, null));
        qdrant.serverSnapshots.put("rag_main_v2-1-2026-11-28-03-15-02.snapshot",
                new SnapshotInfo("rag_main_v2-1-2026-11-28-03-15-02.snapshot", null, 1L << 20, "ab"));
        DoctorReport report = run();
        CheckResult files = check(report, "qdrant_files");
        assertEquals(CheckResult.Status.WARN, files.status());
        assertEquals("1 snapshot file(s) left by ragback on the Qdrant host (3.0 MiB): "
                + "rag_main_v2/ragback-20261128-031502-rag_main_v2.snapshot", files.detail());
        assertEquals("remove them: ragback qdrant prune-snapshots --yes", files.fix());
        assertTrue(report.healthy(), "a warning, not a failure");
    }

    @Test
    void postgresDownFailsWithAFix() {
        postgres.down = true;
        DoctorReport report = run();
        assertFalse(report.healthy());
        CheckResult pg = check(report, "postgres");
        assertEquals(CheckResult.Status.FAIL, pg.status());
        assertTrue(pg.detail().contains("connection refused"));
        assertTrue(pg.fix().contains("PGHOST"));
    }

    @Test
    void olderDumpToolWarns() {
        tools.dumpVersion = "13.4";
        CheckResult result = check(run(), "pg_tools");
        assertEquals(CheckResult.Status.WARN, result.status());
        assertTrue(result.detail().contains("older than the server's major version 15"), result.detail());
    }

    @Test
    void missingTaskEventsWarnsAndMissingToolsFail() {
        taskDb.tables.clear();
        tools.missing = true;
        DoctorReport report = run();
        assertEquals(CheckResult.Status.WARN, check(report, "taskdb").status());
        assertEquals(CheckResult.Status.FAIL, check(report, "pg_tools").status());
    }

    @Test
    void qdrantProblemsFail() {
        qdrant.ready = false;
        assertEquals(CheckResult.Status.FAIL, check(run(), "qdrant").status());
        qdrant.ready = true;
        qdrant.aliases.clear();
        CheckResult collection = check(run(), "collection");
        assertEquals(CheckResult.Status.FAIL, collection.status());
        assertTrue(collection.detail().contains("rag_main"));
        qdrant.withCollection("rag_main", "yellow", 5);
        assertEquals(CheckResult.Status.WARN, check(run(), "collection").status());
        qdrant.down = true;
        assertEquals(CheckResult.Status.FAIL, check(run(), "qdrant").status());
    }

    @Test
    void brokenMatrixFails() throws IOException {
        Files.writeString(matrix, "| Binary Version | Schema Version | Qdrant Collection | Status |\n|---|---|---|---|\n| v1 | s1 | OK |\n");
        CheckResult result = check(run(), "matrix");
        assertEquals(CheckResult.Status.FAIL, result.status());
        assertTrue(result.detail().contains("matrix.md:3"), result.detail());
    }

    @Test
    void unwritableBackupsDirFails() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        CheckResult result = new BackupsDirCheck(file).check();
        assertEquals(CheckResult.Status.FAIL, result.status());
    }

    @Test
    void missingSigningKeyWarnsAndAShortOneToo() {
        assertEquals("manifests are signed and checked (HMAC-SHA256)", check(run(), "signing").detail());

        signing = ManifestSignature.none();
        DoctorReport report = run();
        CheckResult unsigned = check(report, "signing");
        assertEquals(CheckResult.Status.WARN, unsigned.status());
        assertTrue(unsigned.detail().startsWith("RAGBACK_SIGNING_KEY not set: manifests are not signed"), unsigned.detail());
        assertTrue(unsigned.fix().contains("set RAGBACK_SIGNING_KEY"), unsigned.fix());
        assertTrue(report.healthy(), "a warning does not fail doctor");

        signing = ManifestSignature.of("short-key-x9");
        CheckResult shortKey = check(run(), "signing");
        assertEquals(CheckResult.Status.WARN, shortKey.status());
        assertTrue(shortKey.detail().contains("shorter than 16 bytes"), shortKey.detail());
        assertFalse((shortKey.detail() + shortKey.fix()).contains("short-key-x9"), "key shown");
    }

    @Test
    void judgeModeAddsTheRagServiceAndTheOneTokenJudgeChecks() {
        assertFalse(run().checks().stream().anyMatch(c -> c.name().equals("judge") || c.name().equals("rag_service")),
                "command mode has no judge checks");
        dev.ragback.app.port.RagService rag = new dev.ragback.app.port.RagService() {
            @Override
            public Answer ask(String question, java.time.Instant deadline) {
                assertEquals("the dataset's first question", question);
                return new Answer("an answer", List.of("a context"), new dev.ragback.app.port.Exchange("{}", 200, "{}", null, 3));
            }

            @Override
            public String describe() {
                return "the RAG service at http://rag";
            }
        };
        judge = new JudgeChecks(() -> rag, () -> {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "the judge model m at http://judge/v1 answered 404: 'model not found'",
                    "check eval.judge_model");
        }, () -> "the dataset's first question", java.time.Clock.systemUTC());
        DoctorReport report = run();
        assertEquals(new CheckResult("rag_service", CheckResult.Status.OK,
                "the RAG service at http://rag: 1 contexts, answer of 9 characters", null), check(report, "rag_service"));
        assertEquals(new CheckResult("judge", CheckResult.Status.FAIL, "the judge model m at http://judge/v1 answered 404: 'model not found'",
                "check eval.judge_model"), check(report, "judge"));
    }
}
