package dev.ragback.app.checks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeAppliedMigrations;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.VectorPoint;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.ManifestJson;
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
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code verify} against a set taken from the same fakes: the fake's points 1..20 have vectors
 * (id%3, id%5, id%7, 1) and score by dot product; the probes are points 1, 2 and 3, whose top-5
 * hits are other points (13, 19, 4, ...), never the probe points themselves.
 */
class VerifyServiceTest {
    private static final String REAL = "rag_main_v2";

    @TempDir
    Path dir;

    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeVectorStore vectors = new FakeVectorStore();
    private BackupsDir backups;
    private Manifest set;

    @BeforeEach
    void aSetOfTheLiveStores() {
        database.tables.addAll(List.of("rag_chunks", "rag_ingest_runs", "rag_feedback"));
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
        database.counts.add(new DatabaseProbe.ModelCount("bge-m3", 40, 5));
        vectors.withCollection(REAL, "green", 0).withPoints(REAL, 20).withAlias("rag_main", REAL);
        backups = new BackupsDir(dir.resolve("backups"));
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        set = new SnapshotCreator(backups,
                new SnapshotCreator.Sources(vectors, database, new FakeDumpTool(), new FakeAppliedMigrations().applied("v1.0.0"), null),
                settings, "0.1.0", Clock.systemUTC()).create("golden", true, Progress.NONE).manifest();
    }

    private VerifyService.Report verify(String id) {
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, new FakeDumpTool()), Clock.systemUTC());
        return new VerifyService(catalog, database, vectors, new ProbeComparison(0.8, 0.05), "rag_main", "rag_chunks")
                .verify(id);
    }

    private VerifyService.Report verify() {
        return verify(set.id());
    }

    @Test
    void verifyNeedsQdrant110AndSaysSo() {
        vectors.version = "1.9.2";
        RagbackException e = assertThrows(RagbackException.class, this::verify);
        assertEquals(RagbackException.Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("POST /collections/{c}/points/query, new in 1.10"), e.getMessage());
    }

    @Test
    void configDifferencesFromTheSetAreWarningsNotFailures() throws Exception {
        String config = "{\"params\":{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":1},"
                + "\"hnsw_config\":{\"m\":16,\"ef_construct\":100},\"optimizer_config\":{\"max_segment_size\":null}}";
        vectors.withConfig(REAL, config);
        set = new SnapshotCreator(backups,
                new SnapshotCreator.Sources(vectors, database, new FakeDumpTool(), new FakeAppliedMigrations().applied("v1.0.0"), null),
                new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks", new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")),
                        true, "http://fake:6333", "ragdb"),
                "0.1.0", Clock.systemUTC())
                .create("with config", true, Progress.NONE).manifest();
        assertEquals(List.of(), verify().warnings());
        vectors.withConfig(REAL, config.replace("\"m\":16", "\"m\":32").replace("\"max_segment_size\":null", ""));
        VerifyService.Report report = verify();
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(List.of("config of rag_main_v2 differs from the set: hnsw_config.m: 32 live, 16 in the snapshot"),
                report.warnings(), "an unset member and a null one are the same");
    }

    @Test
    void storesThatStillMatchTheSetPass() {
        VerifyService.Report report = verify(null);
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(List.of(), report.problems());
        assertEquals(set.id(), report.snapshotId(), "without an id the newest golden set is the baseline");
        assertEquals(REAL, report.collection(), "the alias is resolved");
        assertEquals("green", report.status());
        assertEquals(20, report.baselinePoints());
        assertEquals(20L, report.livePoints());
        assertEquals(List.of("e5-small", "bge-m3"), report.counts().stream().map(VerifyService.CountRow::modelId).toList());
        assertTrue(report.counts().stream().allMatch(VerifyService.CountRow::equal), report.counts().toString());
        assertEquals(List.of(1L, 2L, 3L), report.probes().stream().map(ProbeComparison.Outcome::pointId).toList());
        for (ProbeComparison.Outcome probe : report.probes()) {
            assertTrue(probe.passed(), probe.problem());
            assertEquals(1.0, probe.overlap(), 1e-12);
            assertEquals(0.0, probe.scoreChange(), 1e-12);
        }
    }

    @Test
    void withoutAGoldenSetAndWithoutAnIdThereIsNothingToCompareWith() {
        backups = new BackupsDir(dir.resolve("empty"));
        RagbackException e = assertThrows(RagbackException.class, () -> verify(null));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().startsWith("no golden snapshot set to verify against"), e.getMessage());
    }

    @Test
    void countsPerModelThatDifferAreNamedPerModel() {
        database.counts.clear();
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 119, 12));
        database.counts.add(new DatabaseProbe.ModelCount("bge-m3", 40, 5));
        database.counts.add(new DatabaseProbe.ModelCount("new-model", 3, 1));
        VerifyService.Report report = verify();
        assertFalse(report.passed());
        assertEquals(List.of(
                "model e5-small: 119 chunks/12 docs live, 120 chunks/12 docs in the set",
                "model new-model: 3 chunks/1 docs live, no chunks in the set"), report.problems());
        assertEquals(List.of(false, true, false), report.counts().stream().map(VerifyService.CountRow::equal).toList());
    }

    @Test
    void aModelWhoseChunksAreAllGoneIsNamed() {
        database.counts.removeIf(c -> c.modelId().equals("bge-m3"));
        assertEquals(List.of("model bge-m3: no chunks live, 40 chunks/5 docs in the set"), verify().problems());
    }

    @Test
    void aDifferentPointsCountIsNamed() {
        // a zero vector scores 0 against every probe: it changes the count and nothing else
        vectors.points.get(REAL).add(new VectorPoint(21L, new float[] {0, 0, 0, 0}));
        VerifyService.Report report = verify();
        assertEquals(List.of("points: 21 live, 20 in the set"), report.problems());
        assertEquals(21L, report.livePoints());
        assertTrue(report.probes().stream().allMatch(ProbeComparison.Outcome::passed));
    }

    @Test
    void probeIdsOverlappingLessThanMinOverlapAreNamedPerProbe() {
        // points 13 and 19 (in every probe's top 5) come back under other ids with the same vectors:
        // the scores stay the same, 3 of 5 ids overlap
        List<VectorPoint> points = vectors.points.get(REAL);
        for (long id : new long[] {13, 19}) {
            VectorPoint old = points.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
            points.remove(old);
            points.add(new VectorPoint(id + 100, old.vector()));
        }
        VerifyService.Report report = verify();
        assertEquals(List.of("probe 1: overlap 0.60 < 0.80", "probe 2: overlap 0.60 < 0.80", "probe 3: overlap 0.60 < 0.80"),
                report.problems());
        report.probes().forEach(p -> assertEquals(0.0, p.scoreChange(), 1e-12));
    }

    @Test
    void meanScoresMayMoveFivePercentEitherWay() {
        scaleAllButTheProbePoints(1.04f);
        assertEquals(List.of(), verify().problems(), "+4 %");
        scaleAllButTheProbePoints(0.96f / 1.04f);
        assertEquals(List.of(), verify().problems(), "-4 %");
    }

    @Test
    void meanScoresMovedMoreThanFivePercentAreNamedPerProbe() {
        scaleAllButTheProbePoints(1.06f);
        VerifyService.Report report = verify();
        assertEquals(3, report.problems().size(), report.problems().toString());
        for (int i = 0; i < 3; i++) {
            String problem = report.problems().get(i);
            assertTrue(problem.startsWith("probe " + (i + 1) + ": mean score "), problem);
            assertTrue(problem.endsWith("(6.0 % > 5.0 %)"), problem);
        }
        assertEquals(1.06 * set.probes().get(0).meanScore(), report.probes().get(0).liveMean(), 1e-4);

        scaleAllButTheProbePoints(0.94f / 1.06f);
        List<String> lower = verify().problems();
        assertEquals(3, lower.size(), lower.toString());
        lower.forEach(problem -> assertTrue(problem.contains(": mean score ") && problem.endsWith("(6.0 % > 5.0 %)"), problem));
    }

    @Test
    void aCollectionThatIsNotGreenIsNamed() {
        CollectionInfo info = vectors.collections.get(REAL);
        vectors.collections.put(REAL, new CollectionInfo(REAL, "yellow", info.pointsCount(), info.vectors()));
        VerifyService.Report report = verify();
        assertEquals(List.of("collection rag_main_v2 is yellow"), report.problems());
        assertEquals("yellow", report.status());
    }

    @Test
    void aMissingChunksTableIsNamed() {
        database.tables.remove("rag_chunks");
        VerifyService.Report report = verify();
        assertEquals(List.of("table rag_chunks is missing"), report.problems());
        assertEquals(List.of(), report.counts());
    }

    @Test
    void theSetRecordsItsRagTables() {
        assertEquals(List.of("rag_chunks", "rag_feedback", "rag_ingest_runs"), set.postgres().tables());
    }

    @Test
    void eachRagTableOfTheSetMissingLiveIsNamed() {
        database.tables.remove("rag_ingest_runs");
        database.tables.remove("rag_feedback");
        VerifyService.Report report = verify();
        assertFalse(report.passed());
        assertEquals(List.of("table rag_feedback is missing", "table rag_ingest_runs is missing"), report.problems());
        assertTrue(report.counts().stream().allMatch(VerifyService.CountRow::equal), "the counts are still compared");
    }

    @Test
    void aMissingChunksTableIsNamedOnceWithTheOtherMissingTables() {
        database.tables.remove("rag_chunks");
        database.tables.remove("rag_ingest_runs");
        assertEquals(List.of("table rag_chunks is missing", "table rag_ingest_runs is missing"), verify().problems());
    }

    @Test
    void aRagTableTheSetDoesNotKnowIsNoProblem() {
        database.tables.add("rag_new_since");
        assertEquals(List.of(), verify().problems());
    }

    @Test
    void aManifestWithoutPostgresTablesStillVerifiesAndChecksOnlyTheChunksTable() throws Exception {
        Path file = backups.existing(set.id()).resolve(BackupsDir.MANIFEST);
        ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        ObjectNode postgres = (ObjectNode) tree.get("postgres");
        assertTrue(postgres.has("tables"), tree.toString());
        postgres.remove("tables");
        Files.writeString(file, tree.toPrettyString());
        assertNull(ManifestJson.read(file).postgres().tables());

        database.tables.remove("rag_ingest_runs");
        assertEquals(List.of(), verify().problems(), "an old set names no table but the chunks table");
        database.tables.remove("rag_chunks");
        assertEquals(List.of("table rag_chunks is missing"), verify().problems());
    }

    @Test
    void aMissingCollectionIsNamedAndNoProbeRuns() {
        vectors.aliases.clear();
        VerifyService.Report report = verify();
        assertEquals(List.of("Qdrant has no collection or alias rag_main"), report.problems());
        assertNull(report.livePoints());
        assertEquals(List.of(), report.probes());
    }

    @Test
    void everyFailureAtOnceIsNamedDatabaseFirst() {
        database.counts.clear();
        vectors.points.get(REAL).add(new VectorPoint(21L, new float[] {0, 0, 0, 0}));
        CollectionInfo info = vectors.collections.get(REAL);
        vectors.collections.put(REAL, new CollectionInfo(REAL, "red", info.pointsCount(), info.vectors()));
        assertEquals(List.of(
                "model e5-small: no chunks live, 120 chunks/12 docs in the set",
                "model bge-m3: no chunks live, 40 chunks/5 docs in the set",
                "collection rag_main_v2 is red",
                "points: 21 live, 20 in the set"), verify().problems());
    }

    /** Multiplies every score of every probe by {@code factor}; the probe points (the queries) stay as they are. */
    private void scaleAllButTheProbePoints(float factor) {
        Set<Object> probePoints = Set.of(1L, 2L, 3L);
        vectors.points.get(REAL).replaceAll(p -> {
            if (probePoints.contains(p.id())) {
                return p;
            }
            float[] scaled = p.vector().clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= factor;
            }
            return new VectorPoint(p.id(), scaled);
        });
    }
}
