package dev.ragback.blackbox;

import dev.ragback.testing.Processes;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.Waits;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.QdrantDoubleCluster;
import dev.ragback.testing.qdrant.RecordedRequest;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster paths ClusterCliIT and ClusterNodeDownCliIT leave out, through bin/ragback against the 3-node double
 * (6 shards, replication factor 2): a set in an S3 repository, rollback auto killed mid-restore and resumed, Ctrl-C
 * during a shard upload, and a shard upload whose answer never arrives.
 */
@ExtendWith({PostgresExtension.class, S3ProxyExtension.class})
@BlackBox
class ClusterFaultsCliIT {
    private static final int POINTS = 300;

    @TempDir
    Path work;

    private ClusterStage stage;

    @AfterEach
    void tearDown() {
        if (stage != null) {
            for (int node = 0; node < 3; node++) {
                stage.cluster.node(node).releaseUploads();
            }
            stage.close();
        }
    }

    private ClusterStage stage(PgDatabase db, String schema) throws Exception {
        stage = new ClusterStage(db, work, schema, POINTS);
        stage.autoSharded();
        return stage;
    }

    @Test
    void aSetInS3IsMadeFromTheClusterShardByShardAndRestoredIntoIt(PgDatabase db, S3Bucket bucket) throws Exception {
        stage(db, "v1.0.0");
        String prefix = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
        RagbackCli cli = stage.cli.env(bucket.env(prefix));
        Map<Long, String> before = stage.qdrant.points("rag_main");
        String id = stage.golden(bucket.setFlags().toArray(String[]::new));
        List<String> keys = bucket.keys(prefix);
        for (int shard = 0; shard < 6; shard++) {
            assertTrue(keys.contains(prefix + "/" + id + "/qdrant/shards/" + shard + ".snapshot"), keys.toString());
        }
        assertFalse(Files.exists(work.resolve("backups").resolve(id)), "the set went to the bucket, not to a directory");

        stage.qdrant.delete("rag_main_v2", 1, 2, 3, 150);
        cli.run(bucket.args("verify")).assertExit(3);
        RagbackCli.Result restored = cli.run(bucket.args("snapshot", "restore", "--only", "qdrant", "--yes")).assertExit(0);
        assertEquals("rag_main_v2_r" + id, stage.qdrant.aliasTarget("rag_main"), restored.stdout());
        assertEquals(before, stage.qdrant.points("rag_main"));
        RagbackCli.Result verified = cli.run(bucket.args("verify")).assertExit(0);
        assertTrue(verified.stdout().contains("shard 5"), verified.stdout());
    }

    @Test
    void rollbackAutoKilledDuringAShardUploadIsFinishedByResume(PgDatabase db) throws Exception {
        stage(db, "v1.1.0");
        RagbackCli cli = stage.cli;
        RollbackStage.releases(work, "v1.1.0", "v1.0.0", "v1.1.0", "v2.0.0");
        RollbackStage.evaluator(work, "");
        cli.run("release", "mark-green", "v1.1.0").assertExit(0);
        String id = stage.golden();
        List<List<String>> section7 = db.rows(RollbackStage.SECTION_7);
        Map<Long, String> points = stage.qdrant.points("rag_main");
        db.execute("DELETE FROM rag_chunks WHERE id % 5 = 0");
        stage.qdrant.delete("rag_main_v2", 1, 2, 3, 4);
        Path releases = work.resolve("ops/releases");
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));

        holdUploads();
        Path io = Files.createTempDirectory(work, "run-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "faithfulness_drop", "--yes");
        Waits.until(() -> !run.isAlive() || uploads().size() > 0, "a shard upload under way");
        assertTrue(run.isAlive(), "rollback auto ended before its shard upload: " + Processes.stderrSoFar(io));
        run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly().waitFor();
        releaseUploads(); // the upload the killed process began reaches its node now

        String runId = Processes.stdoutSoFar(io).replaceAll("(?s).*Rollback (rollback_\\d+).*", "$1");
        assertTrue(runId.matches("rollback_\\d+"), Processes.stdoutSoFar(io));
        RagbackCli.Result resumed = cli.run("rollback", "auto", "--resume", runId, "--yes").assertExit(0);
        assertTrue(resumed.stdout().matches("(?s).*\\n    restore +succeeded .*"), resumed.stdout());
        String target = stage.qdrant.aliasTarget("rag_main");
        assertTrue(target.startsWith("rag_main_v2_r" + id), target);
        assertEquals(List.of("rag_main_v2", target), stage.qdrant.collections().stream().sorted().toList(),
                "the killed attempt's collection is gone");
        assertEquals(points, stage.qdrant.points("rag_main"));
        assertEquals(section7, db.rows(RollbackStage.SECTION_7));
        assertEquals(Path.of("v1.1.0"), Files.readSymbolicLink(releases.resolve("current")));
        cli.run("verify").assertExit(0);
    }

    @Test
    void ctrlCDuringAShardUploadDropsTheNewCollectionAndChangesNothing(PgDatabase db) throws Exception {
        stage(db, "v1.0.0");
        String id = stage.golden();
        stage.qdrant.delete("rag_main_v2", 7);
        db.execute("DELETE FROM rag_chunks WHERE id % 11 = 0");
        List<List<String>> rows = db.rows("SELECT count(*), md5(string_agg(id::text, ',' ORDER BY id)) FROM rag_chunks");
        Map<Long, String> points = stage.qdrant.points("rag_main");

        holdUploads();
        Path io = Files.createTempDirectory(work, "run-");
        Process run = stage.cli.start(io, "snapshot", "restore", "--yes");
        Waits.until(() -> !run.isAlive() || uploads().size() == 2, "two shard uploads under way (qdrant.parallel_shards)");
        assertTrue(run.isAlive(), "the restore ended before its shard upload: " + Processes.stderrSoFar(io));
        Processes.signal(run.pid(), "INT");
        // the held uploads would go on for 2 minutes each: Ctrl-C must stop them, not wait for them
        assertTrue(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "no exit 30 s after Ctrl-C: " + Processes.stderrSoFar(io));
        assertEquals(130, run.exitValue(), Processes.stderrSoFar(io));
        assertEquals(2, uploads().size(), "no shard upload started after the Ctrl-C");
        String stderr = Processes.stderrSoFar(io);

        assertEquals("rag_main_v2", stage.qdrant.aliasTarget("rag_main"), stderr);
        assertEquals(List.of("rag_main_v2"), stage.qdrant.collections(), "the new collection was dropped");
        assertEquals(points, stage.qdrant.points("rag_main"));
        assertEquals(rows, db.rows("SELECT count(*), md5(string_agg(id::text, ',' ORDER BY id)) FROM rag_chunks"));
        assertTrue(stderr.contains("stopped before its commit; nothing was changed:"), stderr);
        assertTrue(stderr.contains("  Qdrant:     unchanged, alias rag_main still on rag_main_v2"), stderr);
        assertTrue(stderr.contains("  PostgreSQL: unchanged"), stderr);
        for (RecordedRequest upload : uploads()) { // each uploaded copy deleted on every node holding the shard
            String shard = upload.path().replaceAll(".*/shards/(\\d+)/.*", "$1");
            long deletes = 0;
            for (int node = 0; node < 3; node++) {
                deletes += stage.cluster.node(node).requests().stream().filter(r -> r.method().equals("DELETE")
                        && r.path().matches("/collections/rag_main_v2_r" + id + "/shards/" + shard + "/snapshots/ragback-.*")).count();
            }
            assertEquals(2, deletes, "shard " + shard + ": a delete on each of its 2 replicas' nodes");
        }
        releaseUploads();
        Waits.until(() -> waitingUploads() == 0, "the held uploads answered");
        assertEquals(List.of("rag_main_v2"), stage.qdrant.collections(), "a held upload arriving late recreates nothing");
        for (int node = 0; node < 3; node++) {
            assertEquals(List.of(), stage.cluster.node(node).snapshotFiles(), "node " + node + " keeps no snapshot file");
        }
    }

    @Test
    void aLostUploadAnswerIsSentAgainToTheSameNodeAndNothingIsLoadedTwice(PgDatabase db) throws Exception {
        stage(db, "v1.0.0");
        String id = stage.golden();
        Map<Long, String> before = stage.qdrant.points("rag_main");
        stage.qdrant.delete("rag_main_v2", 1, 2, 3);
        QdrantDoubleCluster cluster = stage.cluster;
        for (int node = 0; node < 3; node++) { // each node's first upload: its answer is lost after or before the recovery
            cluster.node(node).cutNextUploadsAfterBody(1, node != 1);
        }
        RagbackCli.Result restored = stage.cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(0);
        String target = "rag_main_v2_r" + id;
        assertEquals(target, stage.qdrant.aliasTarget("rag_main"), restored.stderr());
        assertEquals(before, stage.qdrant.points("rag_main"), "every point once: a shard recovery replaces the shard");
        int cut = 0;
        for (int node = 0; node < 3; node++) {
            List<String> shards = uploadsTo(cluster.node(node), target);
            if (shards.isEmpty()) {
                continue; // every shard it holds went first to another replica
            }
            cut++;
            // two uploads run at once, so the one whose answer was cut is not always the first one listed
            assertEquals(1, shards.size() - shards.stream().distinct().count(),
                    "node " + node + ": the one upload whose answer was lost sent again to the same node: " + shards);
            assertTrue(cluster.node(node).requests().stream().anyMatch(r -> r.path().matches(
                    "/collections/" + target + "/shards/\\d+/points/count")), "each replica counted exactly on its node");
        }
        assertTrue(cut >= 2, "uploads went to at least two nodes, each losing its first answer");
        assertTrue(restored.stderr().contains("sending it to peer"), restored.stderr());
        stage.cli.run("verify").assertExit(0);
    }

    private void holdUploads() {
        for (int node = 0; node < 3; node++) {
            stage.cluster.node(node).holdUploads();
        }
    }

    private void releaseUploads() {
        for (int node = 0; node < 3; node++) {
            stage.cluster.node(node).releaseUploads();
        }
    }

    private int waitingUploads() {
        int waiting = 0;
        for (int node = 0; node < 3; node++) {
            waiting += stage.cluster.node(node).uploadsWaiting();
        }
        return waiting;
    }

    /** Every shard upload any node has seen. */
    private List<RecordedRequest> uploads() {
        List<RecordedRequest> all = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            stage.cluster.node(node).requests().stream().filter(r -> r.path().endsWith("/snapshots/upload")).forEach(all::add);
        }
        return all;
    }

    /** The shard ids of the uploads {@code node} got for {@code collection}, in order. */
    private static List<String> uploadsTo(QdrantDouble node, String collection) {
        return node.requests().stream().filter(r -> r.path().matches("/collections/" + collection + "/shards/\\d+/snapshots/upload"))
                .map(r -> r.path().replaceAll(".*/shards/(\\d+)/.*", "$1")).toList();
    }
}
