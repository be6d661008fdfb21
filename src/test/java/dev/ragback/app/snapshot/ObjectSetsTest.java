package dev.ragback.app.snapshot;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeBlobStore;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sets in an object store (a fake with S3's checksum behaviour): publish order, quick verify, promote, prune, staging. */
class ObjectSetsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T03:15:02Z");

    @TempDir
    Path root;

    private final FakeBlobStore store = new FakeBlobStore();
    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private ObjectSets sets;
    private BackupsDir staging;

    @BeforeEach
    void stores() {
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 20).withAlias("rag_main", "rag_main_v2");
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
        staging = new BackupsDir(root.resolve("staging"));
        sets = new ObjectSets(store, root.resolve("scratch"), ManifestSignature.none(), clock);
    }

    private String create(boolean golden) {
        return create(golden, false);
    }

    private String create(boolean golden, boolean directoryFormat) {
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(directoryFormat, 1, 1, List.of()), true, "http://fake:6333", "ragdb");
        AppliedMigrations migrations = List::of;
        SnapshotCreator.Created created = new SnapshotCreator(staging,
                new SnapshotCreator.Sources(vectors, database, dumpTool, migrations, null), settings, "0.1.0", clock)
                .uploadingTo(sets).create("s3", golden, Progress.NONE);
        assertEquals("s3://fake/sets/" + created.manifest().id(), created.where());
        return created.manifest().id();
    }

    private SnapshotVerifier verifier() {
        return new SnapshotVerifier(staging, dumpTool, sets);
    }

    @Test
    void createStreamsIntoObjectsThenChecksumsThenTheManifestLastAndWritesNothingLocally() throws Exception {
        List<String> writtenDuringTheDump = new java.util.ArrayList<>();
        dumpTool.beforeDump = () -> writtenDuringTheDump.addAll(store.writes);
        String id = create(true);
        assertEquals(id + "/" + BackupsDir.MANIFEST, store.writes.get(store.writes.size() - 1));
        assertEquals(id + "/" + ObjectSets.CHECKSUMS, store.writes.get(store.writes.size() - 2));
        assertFalse(Files.exists(staging.root()), "no local copy: the staging dir was never even created");
        assertFalse(writtenDuringTheDump.stream().anyMatch(k -> k.endsWith(BackupsDir.MANIFEST)), "no manifest before the data");
        List<BackupsDir.Entry> entries = sets.entries();
        assertEquals(1, entries.size());
        assertTrue(entries.get(0).complete());
        assertTrue(verifier().verify(id, false).ok());
    }

    @Test
    void aCreateThatFailsMidUploadAbortsItsUploadsAndLeavesNoObjectOfTheSet() {
        store.failWritesUnder = "/postgres/";
        RagbackException e = assertThrows(RagbackException.class, () -> create(false));
        assertTrue(e.getMessage().contains("the unfinished set was removed from the bucket"), e.getMessage());
        assertEquals(1, store.aborted.size(), store.aborted.toString());
        assertTrue(store.aborted.get(0).endsWith("/postgres/ragdb.dump"), store.aborted.toString());
        assertEquals(List.of(), store.list(""), "nothing of the set is left, not even the finished Qdrant object");
        assertEquals(List.of(), sets.entries());
    }

    @Test
    void aDumpInTheDirectoryFormatIsStagedThenUploadedAndTheLocalCopyRemoved() throws Exception {
        String id = create(false, true);
        assertTrue(verifier().verify(id, false).ok());
        try (var left = Files.list(staging.root())) {
            assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().equals(BackupsDir.SUMS)).toList());
        }
    }

    @Test
    void aSetWithoutItsManifestIsIncompleteAndNeverRestoredOrVerified() {
        String id = create(false);
        store.delete(List.of(id + "/" + BackupsDir.MANIFEST));
        assertFalse(sets.entries().get(0).complete());
        RagbackException e = assertThrows(RagbackException.class, () -> verifier().verify(id, false));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertThrows(RagbackException.class, () -> verifier().newestId());
    }

    @Test
    void quickVerifyComparesSizesAndStoredChecksumsAndDeepVerifyHashesTheBytes() {
        String id = create(false);
        Manifest manifest = sets.entries().get(0).manifest();
        String dump = id + "/" + manifest.postgres().file();
        store.rot(dump);
        assertTrue(verifier().verify(id, false).ok(), "the stored checksum attribute cannot see bit rot under it");
        SnapshotVerifier.SetCheck deep = verifier().verify(id, true);
        assertFalse(deep.ok());
        assertTrue(deep.problems().get(0).contains("sha256"), deep.problems().toString());
        assertFalse(Files.exists(staging.root().resolve(id)), "the downloaded copy is removed");

        store.put(dump, "short".getBytes());
        SnapshotVerifier.SetCheck quick = verifier().verify(id, false);
        assertTrue(quick.problems().get(0).contains("bytes, manifest says"), quick.problems().toString());
    }

    @Test
    void stagingReportsDamageSoNothingIsRestoredFromIt() {
        String id = create(true);
        store.rot(id + "/" + sets.entries().get(0).manifest().qdrant().file());
        List<SnapshotVerifier.FileCheck> damaged = sets.stage(id, staging, n -> { });
        assertEquals(1, damaged.size());
        assertTrue(damaged.get(0).path().startsWith("qdrant/"));
    }

    @Test
    void promoteAndBaselineRewriteTheManifestObject() {
        String id = create(false);
        SnapshotCatalog catalog = new SnapshotCatalog(sets, verifier(), clock);
        catalog.promote(id);
        assertTrue(catalog.newestGolden().isPresent());
        catalog.recordEvalBaseline(id, Map.of("faithfulness", 0.91));
        assertEquals(0.91, catalog.manifest(id).evalBaseline().metrics().get("faithfulness"));
        assertTrue(verifier().verify(id, false).ok());
    }

    @Test
    void pruneRemovesManifestsFirstKeepsTheGoldenAndLeavesYoungIncompleteSets() {
        String golden = create(true);
        store.now = NOW.minusSeconds(5);
        SnapshotCatalog later = new SnapshotCatalog(sets, verifier(), clock);
        store.put("20261203-040000/postgres/ragdb.dump", "half".getBytes());
        SnapshotCatalog.PrunePlan plan = later.plan(0);
        assertEquals(List.of(golden), plan.keep().stream().map(BackupsDir.Entry::id).toList());
        assertEquals(List.of(), plan.remove(), "an incomplete set younger than a day may be a create still running");
        SnapshotCatalog.PrunePlan now = later.plan(0, Duration.ZERO);
        assertEquals(List.of("20261203-040000"), now.remove().stream().map(BackupsDir.Entry::id).toList());
        later.prune(now, Duration.ZERO);
        assertFalse(store.has("20261203-040000/postgres/ragdb.dump"));
        assertTrue(store.has(golden + "/" + BackupsDir.MANIFEST));
        assertEquals("20261203-040000/" + BackupsDir.MANIFEST, store.deletes.get(0), "the manifest goes first");
    }
}
