package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.testing.Processes;
import dev.ragback.testing.DiskLimit;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3Proxy;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What goes wrong with a bucket, through the built jar: each fault gives its exit code and one line naming the cause. */
@ExtendWith({PostgresExtension.class, S3ProxyExtension.class})
@BlackBox
class S3FaultsCliIT {
    private static final String COUNT = "SELECT count(*) FROM rag_chunks";

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) {
        SnapshotRepositoryCliIT.Stores stores = SnapshotRepositoryCliIT.Stores.load(db, work, 1000);
        qdrant = stores.qdrant();
        cli = stores.cli();
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    private static String[] args(S3Bucket bucket, String... args) {
        List<String> all = bucket.setFlags();
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static String prefix() {
        return "f-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aCorruptedObjectFailsDeepVerifyAndRestoreWithExit5AndNothingIsRestored(PgDatabase db, S3Bucket bucket) throws Exception {
        String prefix = prefix();
        RagbackCli s3 = cli.env(bucket.env(prefix));
        String id = SnapshotRepositoryCliIT.JSON.readTree(s3.run(args(bucket, "--json", "snapshot", "create", "--golden"))
                .assertExit(0).stdout()).get("id").asText();
        String key = bucket.keys(prefix + "/" + id + "/postgres/").get(0);
        try (RandomAccessFile file = new RandomAccessFile(bucket.proxy().objectFile(bucket.name(), key).toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        RagbackCli.Result deep = s3.run(args(bucket, "snapshot", "verify", "--deep", id)).assertExit(5);
        assertTrue(deep.stdout().lines().anyMatch(l -> l.startsWith("BAD") && l.contains("sha256")), deep.stdout());
        db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0");
        List<List<String>> damaged = db.rows(COUNT);
        RagbackCli.Result restore = s3.run(args(bucket, "snapshot", "restore", id, "--yes")).assertExit(5);
        assertTrue(restore.stderr().contains("nothing was restored"), restore.stderr());
        assertEquals(damaged, db.rows(COUNT), "the database is as it was");
    }

    @Test
    void aWrongSecretIsExit1NamingTheCauseWithoutPrintingIt(S3Bucket bucket) {
        String wrong = "wrong-secret-" + UUID.randomUUID();
        RagbackCli.Result list = cli.env(bucket.env(prefix())).env("AWS_SECRET_ACCESS_KEY", wrong)
                .run(args(bucket, "snapshot", "list")).assertExit(1);
        assertTrue(list.stderr().contains("signature mismatch"), list.stderr());
        assertFalse((list.stdout() + list.stderr()).contains(wrong), "the secret is never printed");
        assertFalse((list.stdout() + list.stderr()).contains(S3Proxy.SECRET_KEY));
    }

    @Test
    void noSuchBucketIsNamed(S3Bucket bucket) {
        RagbackCli.Result list = cli.env(bucket.proxy().credentialsEnv()).env("RAGBACK_BACKUPS", "s3://no-such-bucket-" + prefix() + "/x")
                .run(args(bucket, "snapshot", "list")).assertExit(1);
        assertTrue(list.stderr().contains("no such bucket"), list.stderr());
    }

    @Test
    void pathStyleOffGivesAHintThatNamesPathStyle(S3Bucket bucket) {
        // with an IP address the SDK falls back to path style by itself: a host name is where it bites
        String byName = bucket.proxy().endpoint().toString().replace("127.0.0.1", "localhost");
        RagbackCli.Result list = cli.env(bucket.env(prefix())).run("--set", "backups.s3.endpoint=" + byName,
                "snapshot", "list").assertExit(1);
        assertTrue(list.stderr().contains("path_style"), list.stderr());
    }

    @Test
    void doctorChecksTheBucketAndNamesTheCauseWhenItFails(S3Bucket bucket) {
        String prefix = prefix();
        RagbackCli.Result ok = cli.env(bucket.env(prefix)).run(args(bucket, "doctor"));
        assertTrue(ok.stdout().contains("can list, put and delete in s3://" + bucket.name() + "/" + prefix), ok.stdout());
        RagbackCli.Result denied = cli.env(bucket.env(prefix)).env("AWS_SECRET_ACCESS_KEY", "nope-" + prefix)
                .run(args(bucket, "doctor"));
        assertTrue(denied.exitCode() != 0, denied.toString());
        assertTrue(denied.stdout().contains("signature mismatch"), denied.stdout());
        assertTrue(bucket.keys(prefix).isEmpty(), "the probe object is gone");
    }

    @Test
    void aFullStagingDiskFailsTheRestoreBeforeAnythingIsRestored(PgDatabase db, S3Bucket bucket) throws Exception {
        String prefix = prefix();
        RagbackCli s3 = cli.env(bucket.env(prefix));
        s3.run(args(bucket, "snapshot", "create", "--golden")).assertExit(0);
        Path staging = work.resolve("staging");
        try (DiskLimit disk = DiskLimit.on(staging, 4L << 20)) {
            assumeTrue(disk.tmpfs() || Files.isExecutable(DiskLimit.prlimit()), "neither a tmpfs nor prlimit: " + disk.mechanism());
            disk.leaveFree(64 << 10);
            db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0");
            List<List<String>> damaged = db.rows(COUNT);
            RagbackCli viaPrlimit = RagbackCli.create().workDir(work).env(db.env()).env(bucket.env(prefix))
                    .env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", "repo-key-31");
            RagbackCli.Result restore = disk.run(s3, viaPrlimit, args(bucket, "--set", "backups.staging=" + staging,
                    "snapshot", "restore", "--golden", "--yes"));
            assertEquals(1, restore.exitCode(), restore.toString());
            assertTrue(restore.stderr().toLowerCase().matches("(?s).*(no space left|file too large|disk is full|disk full).*"),
                    restore.stderr());
            assertEquals(damaged, db.rows(COUNT), "nothing was restored");
        }
    }

    @Test
    void createToABucketStreamsWithNoLocalCopySoATinyStagingDiskIsEnough(PgDatabase db, S3Bucket bucket) throws Exception {
        String prefix = prefix();
        RagbackCli s3 = cli.env(bucket.env(prefix));
        Path staging = work.resolve("tiny-staging");
        long room = 32 << 10;
        String id;
        // hex text that compresses little: the dump, too, is several times the room left
        db.execute("CREATE TABLE streamed_ballast AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS filler "
                + "FROM generate_series(1, 5000) g");
        try (DiskLimit disk = DiskLimit.on(staging, 4L << 20)) {
            assumeTrue(disk.tmpfs() || Files.isExecutable(DiskLimit.prlimit()), "neither a tmpfs nor prlimit: " + disk.mechanism());
            disk.leaveFree(room);
            RagbackCli viaPrlimit = RagbackCli.create().workDir(work).env(db.env()).env(bucket.env(prefix))
                    .env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", "repo-key-31");
            RagbackCli.Result create = disk.run(s3, viaPrlimit, args(bucket, "--set", "backups.staging=" + staging,
                    "--json", "snapshot", "create"));
            assertEquals(0, create.exitCode(), create.toString());
            id = SnapshotRepositoryCliIT.JSON.readTree(create.stdout()).get("id").asText();
            long qdrantBytes = Files.size(bucket.proxy().objectFile(bucket.name(), bucket.keys(prefix + "/" + id + "/qdrant/").get(0)));
            long dumpBytes = Files.size(bucket.proxy().objectFile(bucket.name(), bucket.keys(prefix + "/" + id + "/postgres/").get(0)));
            assertTrue(qdrantBytes > room && dumpBytes > room, "each file is larger than the room on the staging disk ("
                    + disk.mechanism() + "): qdrant " + qdrantBytes + ", dump " + dumpBytes + " bytes, " + room + " free");
            try (Stream<Path> left = Files.walk(staging)) {
                assertEquals(List.of(), left.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(".ballast"))
                        .toList(), "nothing of the set stays in staging");
            }
        } finally {
            db.execute("DROP TABLE IF EXISTS streamed_ballast");
        }
        s3.run(args(bucket, "snapshot", "verify", "--deep", id)).assertExit(0);
    }

    @Test
    void s3proxyKilledMidUploadLeavesNoVisibleSetAndPruneCleansTheParts(PgDatabase db, S3Bucket shared) throws Exception {
        loadBulkPoints();
        Path data = work.resolve("own-s3proxy");
        String prefix = prefix();
        String bucketName = "killed-" + prefix;
        Process create;
        try (S3Proxy proxy = S3Proxy.start(data)) {
            S3Bucket bucket = S3ProxyExtension.newBucket(proxy, bucketName);
            RagbackCli s3 = cli.env(bucket.env(prefix));
            Files.createDirectories(work.resolve("create-io"));
            create = s3.start(work.resolve("create-io"), args(bucket, "--set", "backups.s3.part_size=5MiB", "snapshot", "create"));
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
            JsonNode list = SnapshotRepositoryCliIT.JSON.readTree(s3.run(args(bucket, "--json", "snapshot", "list")).assertExit(0).stdout());
            list.forEach(set -> assertEquals("incomplete", set.get("status").asText(), list.toString()));
            RagbackCli.Result prune = s3.run(args(bucket, "snapshot", "prune", "--incomplete-older-than", "0s", "--yes")).assertExit(0);
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
            Process create = s3.start(io, args(bucket, "--set", "backups.s3.part_size=5MiB", "snapshot", "create"));
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
            s3.run(args(bucket, "snapshot", "create")).assertExit(0);
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
