package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.testing.Processes;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3Proxy;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A create whose multipart upload to a bucket is cut, through the built jar: s3proxy killed mid-upload, or Ctrl-C.
 * Each test loads 79,000 more points and starts an s3proxy of its own: the slow S3 faults, apart from S3FaultsCliIT.
 */
@BlackBox
class S3InterruptedUploadCliIT extends S3FaultStage {
    @Test
    void s3proxyKilledMidUploadLeavesNoVisibleSetAndPruneCleansTheParts() throws Exception {
        loadBulkPoints();
        Path data = work.resolve("own-s3proxy");
        String prefix = prefix();
        String bucketName = "killed-" + prefix;
        Process create;
        try (S3Proxy proxy = S3Proxy.start(data)) {
            S3Bucket bucket = S3ProxyExtension.newBucket(proxy, bucketName);
            RagbackCli s3 = cli.env(bucket.env(prefix));
            Files.createDirectories(work.resolve("create-io"));
            create = s3.start(work.resolve("create-io"), bucket.args("--set", "backups.s3.part_size=5MiB", "snapshot", "create"));
            // a part on disk, and no upload between the two files s3proxy writes to initiate one: killed there,
            // an upload stays listed but cannot be aborted, which S3 (one atomic request) cannot leave
            BooleanSupplier midUpload = () -> proxy.partFiles(bucketName) > 0 && proxy.halfInitiatedUploads(bucketName).isEmpty();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (create.isAlive() && System.nanoTime() < deadline && !(midUpload.getAsBoolean() && proxy.killIf(midUpload))) {
                Thread.sleep(5);
            }
            assertFalse(proxy.alive(), "s3proxy was killed while the create streamed");
            assertTrue(create.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(1, create.exitValue(), "the create fails: " + Processes.stdoutSoFar(work.resolve("create-io")));
        }
        try (S3Proxy again = S3Proxy.start(data)) {
            S3Bucket bucket = new S3Bucket(again, bucketName);
            RagbackCli s3 = cli.env(bucket.env(prefix));
            JsonNode list = SnapshotRepositoryCliIT.JSON.readTree(s3.run(bucket.args("--json", "snapshot", "list")).assertExit(0).stdout());
            list.forEach(set -> assertEquals("incomplete", set.get("status").asText(), list.toString()));
            RagbackCli.Result prune = s3.run(bucket.args("snapshot", "prune", "--incomplete-older-than", "0s", "--yes")).assertExit(0);
            assertEquals(List.of(), bucket.keys(prefix));
            try (var client = again.client()) {
                assertEquals(List.of(), client.listMultipartUploads(r -> r.bucket(bucketName).prefix(prefix)).uploads().stream()
                        .map(u -> u.key() + " " + u.initiated()).toList(), prune.toString());
            }
            assertEquals(0, again.partFiles(bucketName), "the parts are gone from the disk");
            // the server's data dir is the test's temp dir: it goes with it
        }
    }

    @Test
    void ctrlCDuringAStreamedCreateLeavesNoSetNoObjectAndNoOpenUpload() throws Exception {
        loadBulkPoints();
        String prefix = prefix();
        String bucketName = "interrupted-" + prefix;
        // a server of its own: a part in flight when the upload is aborted may still land as a file in
        // s3proxy's filesystem backend (S3 itself refuses it), which would keep the shared bucket from being dropped
        try (S3Proxy proxy = S3Proxy.start(work.resolve("own-s3proxy"))) {
            S3Bucket bucket = S3ProxyExtension.newBucket(proxy, bucketName);
            RagbackCli s3 = cli.env(bucket.env(prefix));
            Path io = Files.createDirectories(work.resolve("interrupted-io"));
            Process create = s3.start(io, bucket.args("--set", "backups.s3.part_size=5MiB", "snapshot", "create"));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                // the bucket's directory first (a file there is the upload's first trace), then S3's own list:
                // asking S3 every few milliseconds (a new SDK client each time) took the CPU the create needed
                Path objects = work.resolve("own-s3proxy").resolve("objects").resolve(bucketName);
                while (create.isAlive() && System.nanoTime() < deadline && (!anyFile(objects) || bucket.openUploads(prefix) == 0)) {
                    Thread.sleep(5);
                }
                assertTrue(create.isAlive(), "the create was still streaming when interrupted");
                Processes.signal(create.pid(), "INT");
                assertTrue(create.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
                String stderr = Files.readString(io.resolve("stderr"));
                assertEquals(130, create.exitValue(), stderr);
                assertTrue(stderr.contains("the unfinished set was removed from the bucket"), stderr);
            } finally {
                create.destroyForcibly();
            }
            assertEquals(List.of(), bucket.keys(prefix), "no object of the interrupted set");
            assertEquals(0, bucket.openUploads(prefix), "no multipart upload left open");
            assertEquals(List.of(), qdrant.snapshotNames("rag_main_v2"), "the server-side snapshot is deleted");
            s3.run(bucket.args("snapshot", "create")).assertExit(0);
            // the server's data dir is the test's temp dir: it goes with it
        }
    }

    /** A Qdrant snapshot of several 5 MiB parts, so a signal or a kill lands while its multipart upload is open. */
    private void loadBulkPoints() {
        com.fasterxml.jackson.databind.node.ArrayNode batch = SnapshotRepositoryCliIT.JSON.createArrayNode();
        for (int id = 1001; id <= 80000; id++) {
            var point = batch.addObject().put("id", id);
            point.putArray("vector").add(id % 7 + 0.5).add(id % 11).add(id % 13).add(1.0);
            point.putObject("payload").put("uri", "doc://bulk/" + id).put("text", "x".repeat(64));
            if (batch.size() == 1000) {
                qdrant.store().upsert("rag_main_v2", batch);
                batch = SnapshotRepositoryCliIT.JSON.createArrayNode();
            }
        }
    }

    private static boolean anyFile(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }
}
