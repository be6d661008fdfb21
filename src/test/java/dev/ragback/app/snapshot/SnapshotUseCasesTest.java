package dev.ragback.app.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.Host;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileWriteException;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeReleaseSwitch;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotUseCasesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private final AppliedMigrations migrations = () -> List.of(
            new AppliedMigrations.Applied("v1.0.0", NOW, "up0", "down0", "DROP TABLE rag_chunks;", false),
            new AppliedMigrations.Applied("v1.1.0", NOW, "up1", "down1", "DROP TABLE rag_ingest_runs;", false));
    private BackupsDir backups;
    private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeEach
    void stores() {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 20).withAlias("rag_main", "rag_main_v2");
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
    }

    private SnapshotCreator creator() {
        return creator(null);
    }

    private SnapshotCreator creator(ReleaseSwitch releases) {
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events", "ragback_*")), true, "http://fake:6333", "ragdb");
        return new SnapshotCreator(backups, new SnapshotCreator.Sources(vectors, database, dumpTool, migrations, releases),
                settings, "0.1.0", clock);
    }

    @Test
    void createIsRefusedOnAClusterAndBelowQdrant110BeforeAnythingIsWritten() {
        vectors.cluster = new dev.ragback.app.port.ClusterStatus(dev.ragback.app.port.ClusterStatus.Mode.CLUSTER, 3, "enabled");
        RagbackException cluster = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.UNSUPPORTED, cluster.kind());
        assertTrue(cluster.getMessage().startsWith("Qdrant runs in cluster mode (cluster mode, 3 peers) and qdrant.nodes is not set:"
                + " ragback refuses snapshot create"), cluster.getMessage());
        vectors.cluster = dev.ragback.app.port.ClusterStatus.singleNode();
        vectors.version = "1.9.7";
        RagbackException old = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.UNSUPPORTED, old.kind());
        assertTrue(old.getMessage().startsWith("Qdrant 1.9.7 is older than 1.10.0, the oldest ragback supports for snapshot create"),
                old.getMessage());
        assertTrue(vectors.calls.isEmpty(), "no server snapshot: " + vectors.calls);
        assertFalse(Files.exists(backups.root()) && backups.root().toFile().list().length > 0, "no set, not even a temp dir");
    }

    @Test
    void createWritesACompleteSetWithEveryManifestField() throws Exception {
        database.tables.addAll(List.of("rag_ingest_runs", "task_events", "ragback_runs"));
        SnapshotCreator.Created created = creator(new FakeReleaseSwitch().with("v1.1.0", true).current("v1.1.0"))
                .create("pre C1", true, Progress.NONE);
        assertEquals(root.resolve("backups/20261128-031502"), created.dir());
        JsonNode m = new ObjectMapper().readTree(created.dir().resolve("manifest.json").toFile());

        assertEquals("20261128-031502", m.path("id").asText());
        assertEquals("2026-11-28T03:15:02Z", m.path("created_at").asText());
        assertEquals("pre C1", m.path("label").asText());
        assertEquals("complete", m.path("status").asText());
        assertTrue(m.path("golden").isBoolean() && m.path("golden").asBoolean(), m.toString());
        assertEquals("2026-11-28T03:15:02Z", m.path("golden_at").asText());
        assertEquals("0.1.0", m.path("ragback_version").asText());
        assertEquals(Host.userAtHost(), m.path("created_by").asText());
        assertTrue(m.path("created_by").asText().matches("[^@\\s]+@[^@\\s]+"), m.path("created_by").asText());
        assertEquals("v1.1.0", m.path("binary_version").asText());
        assertEquals("v1.1.0", m.path("schema_version").asText());

        JsonNode q = m.path("qdrant");
        assertEquals("http://fake:6333", q.path("url").asText());
        assertEquals("1.19.0", q.path("server_version").asText());
        assertEquals("rag_main_v2", q.path("collection").asText());
        assertEquals(json("[{\"alias_name\": \"rag_main\", \"collection_name\": \"rag_main_v2\"}]"), q.path("aliases"));
        assertEquals("rag_main_v2-1-2026-11-28-03-15-02.snapshot", q.path("snapshot_name").asText());
        assertEquals("qdrant/rag_main_v2.snapshot", q.path("file").asText());
        byte[] snapshotBytes = "fake snapshot of rag_main_v2 with 20 points".getBytes(StandardCharsets.UTF_8);
        assertEquals(snapshotBytes.length, q.path("size").asLong());
        assertEquals(FakeVectorStore.sha256(snapshotBytes), q.path("sha256").asText());
        assertEquals(FakeVectorStore.sha256(snapshotBytes), q.path("server_checksum").asText());
        assertEquals(20, q.path("points_count").asLong());
        assertEquals(json("{\"size\": 4, \"distance\": \"Cosine\"}"), q.path("vectors"));

        JsonNode p = m.path("postgres");
        assertEquals("ragdb", p.path("database").asText());
        assertEquals("15.18", p.path("server_version").asText());
        assertEquals("15.18", p.path("pg_dump_version").asText());
        assertEquals("custom", p.path("format").asText());
        assertEquals("postgres/ragdb.dump", p.path("file").asText());
        byte[] dumpBytes = dumpTool.content.getBytes(StandardCharsets.UTF_8);
        assertEquals(dumpBytes.length, p.path("size").asLong());
        assertEquals(FakeVectorStore.sha256(dumpBytes), p.path("sha256").asText());
        assertEquals(json("[\"task_events\", \"ragback_*\"]"), p.path("excluded_tables"));
        assertEquals(json("[\"rag_chunks\", \"rag_ingest_runs\"]"), p.path("tables"), "the rag_* tables, sorted");
        assertEquals(json("[{\"model_id\": \"e5-small\", \"chunks\": 120, \"docs\": 12}]"), p.path("counts"));

        // the fake's points 1..20 have vectors (id%3, id%5, id%7, 1) and score by dot product;
        // the probes are the first three points, each with its own vector as the query
        JsonNode probes = m.path("probes");
        assertEquals(3, probes.size(), probes.toString());
        assertProbe(probes.get(0), 1, new long[] {13, 19, 4, 20, 5}, new double[] {11, 11, 10, 9, 8}, 9.8);
        assertProbe(probes.get(1), 2, new long[] {13, 19, 4, 20, 5}, new double[] {21, 21, 19, 17, 15}, 18.6);
        assertProbe(probes.get(2), 3, new long[] {13, 19, 4, 6, 12}, new double[] {28, 28, 25, 22, 22}, 25.0);

        assertEquals(json("""
                [{"version": "v1.0.0", "up_sha256": "up0", "down_sha256": "down0", "down_sql": "DROP TABLE rag_chunks;"},
                 {"version": "v1.1.0", "up_sha256": "up1", "down_sha256": "down1", "down_sql": "DROP TABLE rag_ingest_runs;"}]
                """), m.path("migrations"));

        // toString: ids are Object-typed and read back as Integer where they were written as Long
        assertEquals(created.manifest().toString(), ManifestJson.read(created.dir().resolve("manifest.json")).toString(),
                "the file reads back as written");
        assertTrue(vectors.serverSnapshots.isEmpty(), "server-side copy deleted");
        assertEquals(snapshotBytes.length, Files.size(created.dir().resolve("qdrant/rag_main_v2.snapshot")));
        assertEquals(dumpBytes.length, Files.size(created.dir().resolve("postgres/ragdb.dump")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created.dir())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created.dir().resolve("postgres/ragdb.dump"))));
        String sums = Files.readString(root.resolve("backups/SHA256SUMS"));
        assertTrue(sums.contains(FakeVectorStore.sha256(snapshotBytes) + "  20261128-031502/qdrant/rag_main_v2.snapshot\n"), sums);
        assertTrue(sums.contains(FakeVectorStore.sha256(dumpBytes) + "  20261128-031502/postgres/ragdb.dump\n"), sums);
        assertTrue(sums.contains(dev.ragback.app.files.Sha256.of(created.dir().resolve("manifest.json"), "m").sha256()
                + "  20261128-031502/manifest.json\n"), sums);
    }

    @Test
    void aSetThatIsNotGoldenHasNoGoldenTimeAndNoBinaryVersionWithoutReleases() throws Exception {
        SnapshotCreator.Created created = creator().create(null, false, Progress.NONE);
        JsonNode m = new ObjectMapper().readTree(created.dir().resolve("manifest.json").toFile());
        assertFalse(m.path("golden").asBoolean(true), m.toString());
        assertTrue(m.has("golden_at") && m.get("golden_at").isNull(), m.toString());
        assertTrue(m.has("label") && m.get("label").isNull(), m.toString());
        assertTrue(m.has("binary_version") && m.get("binary_version").isNull(), m.toString());
    }

    private static void assertProbe(JsonNode probe, long pointId, long[] ids, double[] scores, double mean) {
        assertEquals(pointId, probe.path("point_id").asLong(), probe.toString());
        assertEquals(5, probe.path("k").asInt(), probe.toString());
        JsonNode results = probe.path("results");
        assertEquals(ids.length, results.size(), probe.toString());
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], results.get(i).path("id").asLong(), "hit " + i + " of " + probe);
            assertEquals(scores[i], results.get(i).path("score").asDouble(), 1e-9, "hit " + i + " of " + probe);
        }
        assertEquals(mean, probe.path("mean_score").asDouble(), 1e-9, probe.toString());
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void secondSetInTheSameSecondGetsASuffix() {
        creator().create(null, false, Progress.NONE);
        assertEquals("20261128-031502-2", creator().create(null, false, Progress.NONE).manifest().id());
    }

    @Test
    void checksumDisagreementFailsWithIntegrityAndLeavesNothing() {
        vectors.lieAboutChecksum = true;
        RagbackException e = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertTrue(backups.entries().isEmpty(), "no set, no leftover: " + backups.entries());
        assertTrue(vectors.serverSnapshots.isEmpty(), "server-side copy deleted after the failure too");
    }

    @Test
    void failedDumpLeavesNoSetThatLooksComplete() {
        dumpTool.dumpFailure = RagbackException.external("pg_dump failed (exit 1): connection refused", null, null);
        RagbackException e = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertTrue(e.getMessage().contains("pg_dump failed"), e.getMessage());
        assertTrue(backups.entries().stream().noneMatch(BackupsDir.Entry::complete));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard: the old code waited for Qdrant forever
    void aFullDiskDuringTheDumpWinsOverASlowQdrantHalfWhoseServerCopyIsStillDeleted() {
        vectors.downloadGate = new CountDownLatch(1);
        dumpTool.beforeDump = () -> {
            try {
                vectors.downloadStarted.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Path dump = backups.root().resolve("x/postgres/ragdb.dump");
        dumpTool.dumpFailure = RagbackException.external("cannot write the pg_dump output to " + dump + ": No space left on device",
                "free space", new FileWriteException(dump, new IOException("No space left on device")));
        RagbackException e = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("snapshot create: the disk is full (No space left on device) in " + backups.root()),
                e.getMessage());
        assertTrue(e.getMessage().contains("pg_dump output") && e.getMessage().endsWith("the unfinished set was removed"), e.getMessage());
        assertTrue(e.hint().startsWith("free space there"), e.hint());
        assertTrue(backups.entries().isEmpty(), "no set, no leftover: " + backups.entries());
        assertTrue(vectors.serverSnapshots.isEmpty(), "server-side copy left behind by the cancelled half: " + vectors.serverSnapshots);
    }

    @Test
    void aSetWhoseSha256SumsCannotBeWrittenIsTakenBack() throws Exception {
        creator().create(null, false, Progress.NONE);
        byte[] sums = Files.readAllBytes(backups.root().resolve("SHA256SUMS"));
        Files.delete(backups.root().resolve("SHA256SUMS"));
        Files.createDirectories(backups.root().resolve("SHA256SUMS/blocked"));
        RagbackException e = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertTrue(e.getMessage().startsWith("cannot write the set 20261128-031502-2"), e.getMessage());
        assertEquals(List.of("20261128-031502"), backups.entries().stream().map(BackupsDir.Entry::id).toList(),
                "the new set must not stay complete without its sums");
        assertTrue(backups.entries().get(0).complete());
        assertTrue(sums.length > 0);
    }

    @Test
    void olderPgDumpThanServerIsRefused() {
        dumpTool.dumpVersion = "14.9";
        database.version = "15.18";
        RagbackException e = assertThrows(RagbackException.class, () -> creator().create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("pg_dump 14.9 is older than the PostgreSQL server (15.18)"), e.getMessage());
        assertEquals(0, dumpTool.dumps);
    }

    @Test
    void verifyNamesTheFlippedFile() throws Exception {
        Manifest m = creator().create(null, false, Progress.NONE).manifest();
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        assertTrue(verifier.verify(m.id(), false).ok());
        Path dump = backups.root().resolve(m.id()).resolve(m.postgres().file());
        byte[] bytes = Files.readAllBytes(dump);
        bytes[3] ^= 1;
        Files.write(dump, bytes);
        SnapshotVerifier.SetCheck check = verifier.verify(m.id(), false);
        assertFalse(check.ok());
        assertEquals(1, check.problems().size());
        assertTrue(check.problems().get(0).startsWith(m.id() + "/postgres/ragdb.dump: sha256 "), check.problems().toString());
    }

    @Test
    void deepVerifyReportsAnUnreadableDump() {
        Manifest m = creator().create(null, false, Progress.NONE).manifest();
        dumpTool.unreadable = true;
        SnapshotVerifier.SetCheck check = new SnapshotVerifier(backups, dumpTool).verify(m.id(), true);
        assertFalse(check.ok());
        assertTrue(check.deepProblem().contains("pg_restore cannot read"), check.deepProblem());
        assertTrue(new SnapshotVerifier(backups, dumpTool).verify(m.id(), false).ok(), "shallow verify does not read the dump");
    }

    @Test
    void badAndUnknownIdsAreRefused() {
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> verifier.verify("../etc", false)).kind());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> verifier.verify("a\u0007b", false)).kind());
        assertEquals(RagbackException.Kind.INTEGRITY, assertThrows(RagbackException.class, () -> verifier.verify("20990101-000000", false)).kind());
    }

    @Test
    void promoteVerifiesFirstAndKeepsUnknownManifestFields() throws Exception {
        Manifest m = creator().create(null, false, Progress.NONE).manifest();
        Path manifestFile = backups.root().resolve(m.id()).resolve("manifest.json");
        Files.writeString(manifestFile, Files.readString(manifestFile).replaceFirst("\\{", "{\"future_field\": 7,"));
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, dumpTool), clock);
        assertTrue(catalog.promote(m.id()).manifest().golden());
        assertTrue(Files.readString(manifestFile).contains("\"future_field\" : 7"));
        assertEquals(m.id(), catalog.newestGolden().orElseThrow().id());
        assertTrue(Files.readString(backups.root().resolve("SHA256SUMS")).contains(
                dev.ragback.app.files.Sha256.of(manifestFile, "m").sha256() + "  " + m.id() + "/manifest.json\n"),
                "SHA256SUMS follows the rewritten manifest");

        Manifest second = creator().create(null, false, Progress.NONE).manifest();
        Files.writeString(backups.root().resolve(second.id()).resolve(second.qdrant().file()), "tampered");
        RagbackException e = assertThrows(RagbackException.class, () -> catalog.promote(second.id()));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertFalse(ManifestJson.read(backups.root().resolve(second.id()).resolve("manifest.json")).golden());
    }

    @Test
    void pruneKeepsTheNewestGoldenAndRemovesLeftovers() throws Exception {
        Manifest golden = creator().create(null, true, Progress.NONE).manifest();
        for (int i = 1; i <= 3; i++) {
            clock = Clock.fixed(NOW.plusSeconds(i * 60L), ZoneOffset.UTC);
            creator().create(null, false, Progress.NONE);
        }
        Files.createDirectories(backups.root().resolve(".tmp-20261128-040000/qdrant"));
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, dumpTool), clock);
        SnapshotCatalog.PrunePlan plan = catalog.plan(1);
        assertEquals(List.of("20261128-031802", golden.id()), plan.keep().stream().map(BackupsDir.Entry::id).toList());
        assertEquals(3, plan.remove().size());
        catalog.prune(plan);
        assertEquals(List.of("20261128-031802", golden.id()), backups.entries().stream().map(BackupsDir.Entry::id).toList());
        String sums = Files.readString(backups.root().resolve("SHA256SUMS"));
        assertEquals(6, sums.lines().count(), "two kept sets: manifest, dump and snapshot each\n" + sums);
        assertFalse(sums.contains("20261128-031602"), sums);
    }

    @Test
    void listShowsLeftoversAsIncompleteNewestFirst() throws Exception {
        creator().create("first", false, Progress.NONE);
        Files.createDirectories(backups.root().resolve(".tmp-20261128-050000"));
        Path broken = Files.createDirectories(backups.root().resolve("20261128-040000"));
        Files.writeString(broken.resolve("manifest.json"), "{not json");
        List<BackupsDir.Entry> entries = backups.entries();
        assertEquals(List.of("20261128-050000", "20261128-040000", "20261128-031502"), entries.stream().map(BackupsDir.Entry::id).toList());
        assertFalse(entries.get(0).complete());
        assertFalse(entries.get(1).complete());
        assertTrue(entries.get(2).complete());
    }
}
