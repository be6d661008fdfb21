package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.fakes.FakeClusterNodes;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.app.snapshot.SnapshotVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster sets: one snapshot per shard on create, a new collection loaded shard by shard on restore. */
class ClusterRestoreTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");
    private static final String CONFIG = "{\"params\": {\"vectors\": {\"size\": 4, \"distance\": \"Cosine\"}, \"shard_number\": 6,"
            + " \"sharding_method\": \"auto\", \"replication_factor\": 2, \"write_consistency_factor\": 1}}";

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeClusterNodes cluster = new FakeClusterNodes(vectors, 3).withShards("rag_main_v2", 6);
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private BackupsDir backups;

    @BeforeEach
    void clusterWithAnAlias() {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.cluster = new ClusterStatus(ClusterStatus.Mode.CLUSTER, 3, "enabled");
        vectors.withCollection("rag_main_v2", "green", 0).withConfig("rag_main_v2", CONFIG).withPoints("rag_main_v2", 30)
                .withAlias("rag_main", "rag_main_v2");
    }

    private SnapshotCreator creator(FakeClusterNodes nodes) {
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 2, 3, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        return new SnapshotCreator(backups,
                new SnapshotCreator.Sources(vectors, new FakeDatabaseProbe(), dumpTool, List::of, null), settings, "0.1.0",
                Clock.fixed(NOW, ZoneOffset.UTC)).withCluster(nodes, 2);
    }

    private RestoreService service(String configured) throws Exception {
        Path matrix = Files.writeString(root.resolve("matrix.md"), "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v2 | OK |\n");
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        return new RestoreService(new RestoreService.Sets(backups, verifier, new SnapshotCatalog(backups, verifier, Clock.systemUTC())),
                new RestoreService.Live(List::of, dumpTool, vectors, null, new CompatService(matrix)),
                new RestoreService.Settings(configured, 1, Duration.ofSeconds(2), new dev.ragback.app.checks.ProbeComparison(0.8, 0.05)))
                .withCluster(cluster, 2, Duration.ofMillis(600));
    }

    @Test
    void createTakesOneSnapshotPerShardAndRecordsWhatARestoreNeeds() {
        Manifest m = creator(cluster).create(null, true, Progress.NONE).manifest();
        Manifest.Sharding sharding = m.qdrant().sharding();
        assertEquals(6, sharding.shards().size());
        assertEquals(6, sharding.shardNumber());
        assertEquals("auto", sharding.shardingMethod());
        assertEquals(2, sharding.replicationFactor());
        assertEquals(1, sharding.writeConsistencyFactor());
        assertEquals("keyword", sharding.payloadIndexes().path("doc_id").path("data_type").asText());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), sharding.shards().stream().map(Manifest.ShardFile::shardId).toList());
        assertEquals(30, sharding.shards().stream().mapToLong(Manifest.ShardFile::pointsCount).sum());
        assertEquals("qdrant/shards/3.snapshot", sharding.shards().get(3).file());
        assertTrue(m.qdrant().cluster());
        assertNull(m.qdrant().file());
        assertEquals(6, m.dataFiles(true, false).size());
    }

    @Test
    void aPeerDownDuringCreateIsReplacedByAnotherActiveReplica() {
        cluster.down.add(1L);
        Manifest m = creator(cluster).create(null, false, Progress.NONE).manifest();
        assertEquals(6, m.qdrant().sharding().shards().size());
        assertTrue(m.qdrant().sharding().shards().stream().noneMatch(s -> s.sourcePeer() == 1L), m.qdrant().sharding().toString());
    }

    @Test
    void aShardWithNoActiveReplicaLeftFailsCreateNamingIt() {
        cluster.down.add(1L);
        cluster.stuck.put("rag_main_v2/0/2", "Dead");
        RagbackException e = assertThrows(RagbackException.class, () -> creator(cluster).create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("shard 0 of rag_main_v2"), e.getMessage());
        assertFalse(Files.exists(backups.root()) && backups.root().toFile().list().length > 0, "no set, not even a temp dir");
    }

    @Test
    void aClusterWithoutNodesIsRefusedNamingTheSetting() {
        RagbackException e = assertThrows(RagbackException.class, () -> creator(null).create(null, false, Progress.NONE));
        assertEquals(RagbackException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.hint().contains("qdrant.nodes"), e.hint());
    }

    @Test
    void restoreLoadsEveryShardIntoANewCollectionAndSwitchesTheAlias() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        vectors.points.get("rag_main_v2").subList(0, 10).clear();
        RestoreService service = service("rag_main");
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        String restored = "rag_main_v2_r" + id;
        assertEquals(List.of(new Alias("rag_main", restored)), vectors.aliases);
        assertEquals(30, vectors.points.get(restored).size());
        assertEquals(6, cluster.calls.stream().filter(c -> c.startsWith("upload " + restored)).count());
        assertTrue(cluster.calls.contains("createPayloadIndex " + restored + " doc_id"), cluster.calls.toString());
        assertTrue(cluster.keptUploads.isEmpty(), "uploaded copies deleted: " + cluster.keptUploads);
    }

    @Test
    void aFailedShardUploadDropsTheNewCollectionAndLeavesTheAlias() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        String restored = "rag_main_v2_r" + id;
        cluster.failingUploads.add(restored + "/4");
        RestoreService service = service("rag_main");
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("shard 4"), e.getMessage());
        assertTrue(e.getMessage().contains("the half-restored collection " + restored + " was deleted"), e.getMessage());
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertFalse(vectors.collections.containsKey(restored));
        assertTrue(cluster.keptUploads.isEmpty(), "uploaded copies deleted: " + cluster.keptUploads);
    }

    @Test
    void aReplicaThatNeverBecomesActiveTimesOutAndCleansUp() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        String restored = "rag_main_v2_r" + id;
        cluster.stuck.put(restored + "/2/3", "Partial");
        RestoreService service = service("rag_main");
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("are not all Active before the upload after 600ms (qdrant.replicas_timeout): shard 2"
                + " (peer 3: Partial)"), e.getMessage());
        assertFalse(vectors.collections.containsKey(restored));
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
    }

    @Test
    void aSetMissingAShardIsRefusedAndAPlainCollectionIsNotRestoredInPlace() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        Path manifest = backups.existing(id).resolve("manifest.json");
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) tree.path("qdrant").path("sharding").path("shards")).remove(5);
        Files.writeString(manifest, tree.toPrettyString());
        RagbackException e = assertThrows(RagbackException.class, () -> service("rag_main").plan(id, RestoreService.Only.QDRANT));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind(), e.getMessage());

        String other = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        RagbackException inPlace = assertThrows(RagbackException.class, () -> service("rag_main_v2").plan(other, RestoreService.Only.QDRANT));
        assertEquals(RagbackException.Kind.UNSUPPORTED, inPlace.kind());
        assertTrue(inPlace.getMessage().contains("in-place restore of rag_main_v2 on a cluster is refused"), inPlace.getMessage());
    }

    @Test
    void verifyComparesEveryShardAndNamesOneNotActive() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        RestoreService service = service("rag_main");
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        dev.ragback.app.checks.VerifyService.Report report = verify(id);
        assertEquals(6, report.shards().size());
        assertTrue(report.shards().stream().allMatch(dev.ragback.app.checks.ShardCheck.Row::equal), report.shards().toString());
        assertEquals(List.of(), report.problems().stream().filter(p -> p.startsWith("shard")).toList());

        String restored = "rag_main_v2_r" + id;
        cluster.stuck.put(restored + "/5/3", "Dead");
        vectors.points.get(restored).removeIf(p -> ((Number) p.id()).longValue() % 6 == 1);
        List<String> problems = verify(id).problems();
        assertTrue(problems.contains("shard 5 is not Active everywhere (3: Dead, 1: Active)"), problems.toString());
        assertTrue(problems.contains("shard 1: 0 points live, 5 in the set"), problems.toString());
    }

    @Test
    void countsAreTheExactCountOfEachReplicaNotTheFilterlessOneTheClusterInfoReports() throws Exception {
        cluster.reportedSkew = 1; // as while an optimization runs
        Manifest m = creator(cluster).create(null, true, Progress.NONE).manifest();
        assertEquals(30, m.qdrant().sharding().shards().stream().mapToLong(Manifest.ShardFile::pointsCount).sum(),
                "each shard counted exactly on the peer its snapshot came from");
        String id = m.id();
        RestoreService service = service("rag_main");
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        String restored = "rag_main_v2_r" + id;
        assertEquals(12, cluster.calls.stream().filter(c -> c.startsWith("count " + restored + "/")).count(),
                "every replica of every shard counted after the upload: " + cluster.calls);
        assertTrue(verify(id).shards().stream().allMatch(dev.ragback.app.checks.ShardCheck.Row::equal));

        cluster.replicaDrift.put(restored + "/3/1", -1L);
        List<String> problems = verify(id).problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("shard 3: its replicas hold different points (")
                && p.contains("peer 1: 4")), problems.toString());
    }

    @Test
    void aReplicaHoldingOtherPointsAfterTheUploadFailsTheRestore() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        String restored = "rag_main_v2_r" + id;
        cluster.replicaDrift.put(restored + "/2/3", 1L);
        RestoreService service = service("rag_main");
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("shard 2 has 6 points on peer 3, the set 5"), e.getMessage());
        assertFalse(vectors.collections.containsKey(restored));
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
    }

    @Test
    void aLostUploadAnswerIsSentAgainToTheSamePeerAndLoadsNothingTwice() throws Exception {
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        String restored = "rag_main_v2_r" + id;
        cluster.lostAnswers.add(restored + "/1");
        RestoreService service = service("rag_main");
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        assertEquals(List.of(new Alias("rag_main", restored)), vectors.aliases);
        assertEquals(30, vectors.points.get(restored).size(), "the shard replaced, not loaded twice");
        List<String> uploads = cluster.calls.stream().filter(c -> c.startsWith("upload " + restored + "/1 ")).toList();
        assertEquals(2, uploads.size(), uploads.toString());
        assertEquals(uploads.get(0), uploads.get(1), "the same peer again");
    }

    @Test
    void withoutAPerShardCountTheHoldingNodesReportIsUsed() throws Exception {
        cluster.noShardCount = true;
        String id = creator(cluster).create(null, true, Progress.NONE).manifest().id();
        RestoreService service = service("rag_main");
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2_r" + id)), vectors.aliases);
        assertTrue(verify(id).shards().stream().allMatch(dev.ragback.app.checks.ShardCheck.Row::equal));
    }

    @Test
    void withoutAPerShardCountOneRefusedCallAnswersForTheWholeServer() {
        cluster.noShardCount = true;
        ShardLayout layout = cluster.layout("rag_main_v2");
        long before = cluster.calls.stream().filter(c -> c.startsWith("count ")).count();
        ShardLayout counted = dev.ragback.app.vectors.ShardCounts.exact(cluster, "rag_main_v2", layout);
        assertEquals(1, cluster.calls.stream().filter(c -> c.startsWith("count ")).count() - before,
                "no per-replica call after the server said it has no such call");
        assertEquals(layout, counted, "each replica keeps the node's own report");
    }

    private dev.ragback.app.checks.VerifyService.Report verify(String id) {
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, dumpTool), Clock.systemUTC());
        return new dev.ragback.app.checks.VerifyService(catalog, new FakeDatabaseProbe(), vectors,
                new dev.ragback.app.checks.ProbeComparison(0.8, 0.05), "rag_main", "rag_chunks").withCluster(cluster).verify(id);
    }
}
