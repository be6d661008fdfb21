package dev.ragback.blackbox;

import dev.ragback.testing.DiskLimit;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3Proxy;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What goes wrong with a bucket, through the built jar: each fault gives its exit code and one line naming the cause.
 * An upload cut by a kill or Ctrl-C: S3InterruptedUploadCliIT.
 */
@ExtendWith({PostgresExtension.class, S3ProxyExtension.class})
@BlackBox
class S3FaultsCliIT extends S3FaultStage {
    private static final String COUNT = "SELECT count(*) FROM rag_chunks";

    @Test
    void aCorruptedObjectFailsDeepVerifyAndRestoreWithExit5AndNothingIsRestored(PgDatabase db, S3Bucket bucket) throws Exception {
        String prefix = prefix();
        RagbackCli s3 = cli.env(bucket.env(prefix));
        String id = SnapshotRepositoryCliIT.JSON.readTree(s3.run(bucket.args("--json", "snapshot", "create", "--golden"))
                .assertExit(0).stdout()).get("id").asText();
        String key = bucket.keys(prefix + "/" + id + "/postgres/").get(0);
        try (RandomAccessFile file = new RandomAccessFile(bucket.proxy().objectFile(bucket.name(), key).toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        RagbackCli.Result deep = s3.run(bucket.args("snapshot", "verify", "--deep", id)).assertExit(5);
        assertTrue(deep.stdout().lines().anyMatch(l -> l.startsWith("BAD") && l.contains("sha256")), deep.stdout());
        db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0");
        List<List<String>> damaged = db.rows(COUNT);
        RagbackCli.Result restore = s3.run(bucket.args("snapshot", "restore", id, "--yes")).assertExit(5);
        assertTrue(restore.stderr().contains("nothing was restored"), restore.stderr());
        assertEquals(damaged, db.rows(COUNT), "the database is as it was");
    }

    @Test
    void aWrongSecretIsExit1NamingTheCauseWithoutPrintingIt(S3Bucket bucket) {
        String wrong = "wrong-secret-" + UUID.randomUUID();
        RagbackCli.Result list = cli.env(bucket.env(prefix())).env("AWS_SECRET_ACCESS_KEY", wrong)
                .run(bucket.args("snapshot", "list")).assertExit(1);
        assertTrue(list.stderr().contains("signature mismatch"), list.stderr());
        assertFalse((list.stdout() + list.stderr()).contains(wrong), "the secret is never printed");
        assertFalse((list.stdout() + list.stderr()).contains(S3Proxy.SECRET_KEY));
    }

    @Test
    void noSuchBucketIsNamed(S3Bucket bucket) {
        RagbackCli.Result list = cli.env(bucket.proxy().credentialsEnv())
                .env("RAGBACK_BACKUPS", "s3://no-such-bucket-" + prefix() + "/x")
                .run(bucket.args("snapshot", "list")).assertExit(1);
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
        RagbackCli.Result ok = cli.env(bucket.env(prefix)).run(bucket.args("doctor"));
        assertTrue(ok.stdout().contains("can list, put and delete in s3://" + bucket.name() + "/" + prefix), ok.stdout());
        RagbackCli.Result denied = cli.env(bucket.env(prefix)).env("AWS_SECRET_ACCESS_KEY", "nope-" + prefix)
                .run(bucket.args("doctor"));
        assertTrue(denied.exitCode() != 0, denied.toString());
        assertTrue(denied.stdout().contains("signature mismatch"), denied.stdout());
        assertTrue(bucket.keys(prefix).isEmpty(), "the probe object is gone");
    }

    @Test
    void aFullStagingDiskFailsTheRestoreBeforeAnythingIsRestored(PgDatabase db, S3Bucket bucket) throws Exception {
        String prefix = prefix();
        RagbackCli s3 = cli.env(bucket.env(prefix));
        s3.run(bucket.args("snapshot", "create", "--golden")).assertExit(0);
        Path staging = work.resolve("staging");
        try (DiskLimit disk = DiskLimit.on(staging, 4L << 20)) {
            assumeTrue(disk.tmpfs() || Files.isExecutable(DiskLimit.prlimit()), "neither a tmpfs nor prlimit: " + disk.mechanism());
            disk.leaveFree(64 << 10);
            db.execute("DELETE FROM rag_chunks WHERE id % 2 = 0");
            List<List<String>> damaged = db.rows(COUNT);
            RagbackCli viaPrlimit = RagbackCli.create().workDir(work).env(db.env()).env(bucket.env(prefix))
                    .env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", "repo-key-31");
            RagbackCli.Result restore = disk.run(s3, viaPrlimit, bucket.args("--set", "backups.staging=" + staging,
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
            RagbackCli.Result create = disk.run(s3, viaPrlimit, bucket.args("--set", "backups.staging=" + staging,
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
        s3.run(bucket.args("snapshot", "verify", "--deep", id)).assertExit(0);
    }
}
