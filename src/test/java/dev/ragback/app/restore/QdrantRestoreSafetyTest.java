package dev.ragback.app.restore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.UploadInDoubt;
import dev.ragback.app.snapshot.BackupsDir;
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
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Qdrant half of a restore against what the real server does (SPEC section 13): refusals, uploaded copies, lost answers. */
class QdrantRestoreSafetyTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "{\"params\":{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":1,"
            + "\"replication_factor\":1},\"hnsw_config\":{\"m\":16}}";

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private BackupsDir backups;
    private String id;

    @BeforeEach
    void goldenSet() {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 12).withAlias("rag_main", "rag_main_v2")
                .withConfig("rag_main_v2", CONFIG);
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 2, 3, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        id = new SnapshotCreator(backups,
                new SnapshotCreator.Sources(vectors, new FakeDatabaseProbe(), dumpTool, List::of, null), settings, "0.1.0",
                Clock.fixed(NOW, ZoneOffset.UTC)).create(null, true, Progress.NONE).manifest().id();
        vectors.points.get("rag_main_v2").remove(0);
        vectors.calls.clear();
    }

    private RestoreService service(String configured, Duration greenTimeout) throws Exception {
        Path matrix = Files.writeString(root.resolve("matrix.md"), "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v2 | OK |\n");
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        return new RestoreService(new RestoreService.Sets(backups, verifier, new SnapshotCatalog(backups, verifier, Clock.systemUTC())),
                new RestoreService.Live(List::of, dumpTool, vectors, null, new CompatService(matrix)),
                new RestoreService.Settings(configured, 1, greenTimeout, new dev.ragback.app.checks.ProbeComparison(0.8, 0.05)));
    }

    private RestoreService service() throws Exception {
        return service("rag_main", Duration.ofSeconds(2));
    }

    private String upload() {
        return "ragback-" + id + "-rag_main_v2_r" + id + ".snapshot";
    }

    private void editManifest(String field, Object value) throws Exception {
        Path file = backups.existing(id).resolve(BackupsDir.MANIFEST);
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) manifest.get("qdrant")).set(field, JSON.valueToTree(value));
        Files.writeString(file, manifest.toString());
    }

    @Test
    void theManifestRecordsTheCollectionsWholeConfigAndThatItWasNoCluster() throws Exception {
        var qdrant = JSON.readTree(backups.existing(id).resolve(BackupsDir.MANIFEST).toFile()).get("qdrant");
        assertEquals(JSON.readTree(CONFIG), qdrant.get("config"));
        assertFalse(qdrant.get("cluster").asBoolean(true));
    }

    @Test
    void theUploadedCopyIsDeletedAfterARestoreAndThePlanSaysWhatDiskQdrantNeeds() throws Exception {
        RestoreService service = service();
        RestorePlan plan = service.plan(id, RestoreService.Only.QDRANT);
        assertEquals(3 * plan.manifest().qdrant().size(), plan.qdrantPeakDisk());
        service.execute(plan, Progress.NONE);
        assertTrue(vectors.calls.contains("deleteSnapshot " + upload()), vectors.calls.toString());
        assertEquals(Set.of(), vectors.uploadedCopies, "no copy left on the Qdrant host");
    }

    @Test
    void aFailedRestoreDeletesTheUploadedCopyBeforeTheHalfMadeCollection() throws Exception {
        vectors.statusAfterUpload = "yellow";
        RestoreService service = service("rag_main", Duration.ofMillis(300));
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("was deleted, no alias was switched"), e.getMessage());
        int copy = vectors.calls.indexOf("deleteSnapshot " + upload());
        int collection = vectors.calls.indexOf("deleteCollection rag_main_v2_r" + id);
        assertTrue(copy >= 0 && copy < collection, "the copy first, while the API can still reach it: " + vectors.calls);
        assertEquals(Set.of(), vectors.uploadedCopies);
    }

    @Test
    void aCopyWhoseCollectionWasNeverMadeIsReachedThroughAPlaceholder() throws Exception {
        vectors.uploadFailure = new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant answered 500: failed to read snapshot");
        RestoreService service = service();
        assertThrows(RagbackException.class, () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        String target = "rag_main_v2_r" + id;
        assertEquals(List.of("upload " + target, "createPlaceholderCollection " + target, "deleteSnapshot " + upload(),
                "deleteCollection " + target), vectors.calls.stream().filter(c -> !c.startsWith("updateAliases")).toList());
        assertEquals(Set.of(), vectors.uploadedCopies);
        assertFalse(vectors.collections.containsKey(target));
    }

    @Test
    void aClusterIsRefusedBeforeAnythingChanges() throws Exception {
        vectors.cluster = new ClusterStatus(ClusterStatus.Mode.CLUSTER, 3, "enabled");
        RagbackException e = assertThrows(RagbackException.class, () -> service().plan(id, RestoreService.Only.BOTH));
        assertEquals(RagbackException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().startsWith("Qdrant runs in cluster mode (cluster mode, 3 peers) and qdrant.nodes is not set:"
                + " ragback refuses a restore, because on a cluster a collection snapshot holds only the shards of the node"), e.getMessage());
        assertTrue(e.hint().contains("set qdrant.nodes (QDRANT_NODES="), e.hint());
        vectors.cluster = new ClusterStatus(ClusterStatus.Mode.UNKNOWN, 0, "GET /cluster answered 403");
        assertTrue(assertThrows(RagbackException.class, () -> service().plan(id, RestoreService.Only.QDRANT)).getMessage()
                .startsWith("cannot tell whether Qdrant runs in cluster mode (GET /cluster answered 403)"));
        assertEquals(List.of(), vectors.calls, "nothing changed");
        assertTrue(service().plan(id, RestoreService.Only.POSTGRES).postgres(), "the database alone needs no Qdrant");
    }

    @Test
    void aSetMadeOnAClusterIsRefusedTheSameWay() throws Exception {
        editManifest("cluster", true);
        RagbackException e = assertThrows(RagbackException.class, () -> service().plan(id, RestoreService.Only.QDRANT));
        assertEquals(RagbackException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().startsWith("snapshot set " + id + " was made on a Qdrant cluster (manifest qdrant.cluster: true)"),
                e.getMessage());
    }

    @Test
    void aKeyThatMayNotUploadIsToldBeforeAnythingChanges() throws Exception {
        vectors.manageDenied = RagbackException.external("Qdrant at http://fake:6333: this API key cannot manage collections"
                + " (a global manage key is needed) (403 for POST /collections/aliases)", null, null);
        assertThrows(RagbackException.class, () -> service().plan(id, RestoreService.Only.QDRANT));
        assertTrue(vectors.calls.isEmpty());
    }

    @Test
    void aSetFromANewerQdrantIsRefusedAndOneFromTwoMinorsBackIsAWarning() throws Exception {
        editManifest("server_version", "1.20.0");
        RagbackException newer = assertThrows(RagbackException.class, () -> service().plan(id, RestoreService.Only.QDRANT));
        assertEquals(RagbackException.Kind.GATE, newer.kind());
        assertTrue(newer.getMessage().contains("was made by Qdrant 1.20.0, newer than the live Qdrant 1.19.0"), newer.getMessage());
        editManifest("server_version", "1.18.2");
        assertEquals(List.of(), service().plan(id, RestoreService.Only.QDRANT).qdrantNotes(), "the next minor restores");
        editManifest("server_version", "1.17.0");
        assertEquals(List.of("warning: the set was made by Qdrant 1.17.0, 2 minor versions before the live 1.19.0; Qdrant"
                + " restores a snapshot on the same or the next minor version only, so it may refuse it"),
                service().plan(id, RestoreService.Only.QDRANT).qdrantNotes());
    }

    @Test
    void inPlaceTheWholeVectorParamsAndShardNumberAreCheckedFirst() throws Exception {
        vectors.aliases.clear();
        RestoreService inPlace = service("rag_main_v2", Duration.ofSeconds(2));
        assertTrue(inPlace.plan(id, RestoreService.Only.QDRANT).qdrantNotes().get(0)
                .startsWith("in place: VectorParams and shard_number equal rag_main_v2's, as Qdrant requires"));
        vectors.withConfig("rag_main_v2", "{\"params\":{\"vectors\":{\"size\":4,\"distance\":\"Cosine\",\"on_disk\":true},"
                + "\"shard_number\":2},\"hnsw_config\":{\"m\":32}}");
        RagbackException e = assertThrows(RagbackException.class, () -> inPlace.plan(id, RestoreService.Only.QDRANT));
        assertEquals(RagbackException.Kind.GATE, e.kind());
        assertTrue(e.getMessage().startsWith("an in-place restore of rag_main_v2 is impossible: Qdrant recovers a snapshot into"
                + " an existing collection only when the whole VectorParams and the shard_number are equal, and"
                + " params.vectors.on_disk: true live, unset in the snapshot; params.shard_number: 2 live, 1 in the snapshot"),
                e.getMessage());
        assertFalse(e.getMessage().contains("hnsw_config"), "collection-level settings are no obstacle");
        assertTrue(vectors.calls.isEmpty(), "nothing changed");
    }

    @Test
    void theSetsAliasNamedLikeACollectionNowIsRestoredInPlaceNotThroughAnAlias() throws Exception {
        vectors.aliases.clear();
        vectors.withCollection("rag_main", "green", 3).withConfig("rag_main", CONFIG);
        RestorePlan plan = service().plan(id, RestoreService.Only.QDRANT);
        assertTrue(plan.qdrantInPlace(), "an alias cannot take a collection's name (409)");
        assertEquals("rag_main", plan.qdrantTarget());
    }

    @Test
    void aLostAnswerIsNotSentAgainAndTheCollectionIsWatchedUntilItIsDone() throws Exception {
        vectors.afterUploadFailure = new UploadInDoubt("Qdrant at http://fake:6333: connection closed before an answer"
                + " for POST upload after the whole file (50 bytes) went out", null);
        RestoreService service = service();
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        assertEquals(1, vectors.calls.stream().filter(c -> c.startsWith("upload")).count(), "sent once");
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2_r" + id)), vectors.aliases, "done: the alias is switched");
        assertEquals(Set.of(), vectors.uploadedCopies);
    }

    @Test
    void aLostAnswerWithNothingToShowForItReportsWhatWasSeenAndTouchesNothing() throws Exception {
        vectors.uploadFailure = new UploadInDoubt("Qdrant at http://fake:6333: no answer within 1h (timeout) for POST upload"
                + " after the whole file (50 bytes) went out", null);
        RestoreService service = service("rag_main", Duration.ofMillis(300));
        UploadInDoubt e = assertThrows(UploadInDoubt.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("collection rag_main_v2_r" + id + " is not green with 12 points after 300ms"
                + " (last seen: missing)"), e.getMessage());
        assertTrue(e.getMessage().contains("ragback did not send it again"), e.getMessage());
        assertEquals(1, vectors.calls.stream().filter(c -> c.startsWith("upload")).count());
        assertTrue(vectors.calls.stream().noneMatch(c -> c.startsWith("delete")), "Qdrant may still be at it: " + vectors.calls);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
    }
}
