package dev.ragback.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeEvalRunner;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.ManifestSignature;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval-quick's baseline: read from the newest golden set, recorded into it only after a passing evaluation. */
class EvalQuickServiceTest {
    private static final Instant CREATED = Instant.parse("2026-11-28T03:15:02Z");
    private static final Instant LATER = Instant.parse("2026-11-29T08:00:00Z");
    private static final String KEY = "eval-baseline-signing-key-5d1e";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private final FakeEvalRunner runner = new FakeEvalRunner();
    private BackupsDir backups;

    @BeforeEach
    void stores() {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 20).withAlias("rag_main", "rag_main_v2");
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
    }

    private Manifest create(boolean golden, ManifestSignature signature) {
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        return new SnapshotCreator(backups, new SnapshotCreator.Sources(vectors, database, dumpTool, List::of, null), settings,
                "0.1.0", Clock.fixed(CREATED, ZoneOffset.UTC), signature).create(null, golden, Progress.NONE).manifest();
    }

    private SnapshotVerifier verifier(ManifestSignature signature) {
        return new SnapshotVerifier(backups, dumpTool, signature);
    }

    private EvalQuickService service(ManifestSignature signature) {
        EvalService eval = new EvalService(runner, new EvalPolicy(20, Map.of("faithfulness", 0.80), 0.10));
        return new EvalQuickService(eval, new SnapshotCatalog(backups, verifier(signature), Clock.fixed(LATER, ZoneOffset.UTC)));
    }

    private EvalQuickService.Run run(ManifestSignature signature, boolean recordBaseline) {
        EvalQuickService service = service(signature);
        return service.run(service.policy(), recordBaseline);
    }

    private JsonNode manifestTree(String id) throws Exception {
        return JSON.readTree(backups.root().resolve(id).resolve(BackupsDir.MANIFEST).toFile());
    }

    private static MetricScore metric(EvalResult result, String name) {
        return result.metrics().stream().filter(m -> m.metric().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + result));
    }

    @Test
    void aPassingRunRecordsEveryMeanIntoTheNewestGoldenSetAndTheNextRunShowsIt() throws Exception {
        create(true, ManifestSignature.none());
        Manifest newest = create(true, ManifestSignature.none());
        Manifest notGolden = create(false, ManifestSignature.none());
        runner.printing("{\"faithfulness\": 0.84, \"answer_relevancy\": 0.9}");

        EvalQuickService.Run recording = run(ManifestSignature.none(), true);

        assertTrue(recording.result().passed());
        assertEquals(newest.id(), recording.goldenSet());
        assertNull(metric(recording.result(), "faithfulness").baseline(), "nothing was recorded before this run");
        assertNull(recording.baselineRecordedAt());
        assertEquals(new Manifest.EvalBaseline("2026-11-29T08:00:00Z", Map.of("faithfulness", 0.84, "answer_relevancy", 0.9)),
                recording.recorded());
        JsonNode written = manifestTree(newest.id()).get("eval_baseline");
        assertEquals("2026-11-29T08:00:00Z", written.get("recorded_at").asText());
        assertEquals(0.84, written.at("/metrics/faithfulness").asDouble());
        assertFalse(manifestTree(notGolden.id()).has("eval_baseline"), "only the golden set gets a baseline");

        runner.printing("{\"faithfulness\": 0.81}");
        EvalQuickService.Run next = run(ManifestSignature.none(), false);
        assertEquals(0.84, metric(next.result(), "faithfulness").baseline());
        assertEquals("2026-11-29T08:00:00Z", next.baselineRecordedAt());
        assertNull(next.recorded());
        assertEquals(0.84, manifestTree(newest.id()).at("/eval_baseline/metrics/faithfulness").asDouble(), "a plain run records nothing");
    }

    @Test
    void aFailingOrInconclusiveRunRecordsNothing() throws Exception {
        Manifest golden = create(true, ManifestSignature.none());
        String before = Files.readString(backups.root().resolve(golden.id()).resolve(BackupsDir.MANIFEST));

        runner.printing("{\"faithfulness\": 0.79}");
        EvalQuickService.Run failed = run(ManifestSignature.none(), true);
        assertEquals(EvalResult.Outcome.FAILED, failed.result().outcome());
        assertNull(failed.recorded());

        runner.printing("[{\"faithfulness\": NaN}, {\"faithfulness\": 0.9}]");
        EvalQuickService.Run inconclusive = run(ManifestSignature.none(), true);
        assertEquals(EvalResult.Outcome.INCONCLUSIVE, inconclusive.result().outcome());
        assertNull(inconclusive.recorded());

        assertEquals(before, Files.readString(backups.root().resolve(golden.id()).resolve(BackupsDir.MANIFEST)));
    }

    @Test
    void withoutAGoldenSetRecordingFailsWithIntegrityBeforeTheEvaluatorRuns() {
        create(false, ManifestSignature.none());
        runner.printing("{\"faithfulness\": 0.84}");

        RagbackException e = assertThrows(RagbackException.class,
                () -> run(ManifestSignature.none(), true));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().startsWith("no golden snapshot set to record the baseline in"), e.getMessage());
        assertTrue(runner.asked.isEmpty(), "the evaluator was run: " + runner.asked);

        EvalQuickService.Run plain = run(ManifestSignature.none(), false);
        assertNull(plain.goldenSet());
        assertNull(metric(plain.result(), "faithfulness").baseline());
    }

    @Test
    void aSignedGoldenSetIsReSignedAndStillVerifiesWithEveryOtherFieldKept() throws Exception {
        ManifestSignature signed = ManifestSignature.of(KEY);
        Manifest golden = create(true, signed);
        Path file = backups.root().resolve(golden.id()).resolve(BackupsDir.MANIFEST);
        // a field a newer ragback may have written: kept as found, and covered by the new signature
        ObjectNode tree = (ObjectNode) JSON.readTree(file.toFile());
        tree.put("future_field", "kept");
        tree.remove("signature");
        Files.writeString(file, JSON.writeValueAsString(tree));
        runner.printing("{\"faithfulness\": 0.84}");

        RagbackException unsigned = assertThrows(RagbackException.class, () -> run(signed, true));
        assertEquals(RagbackException.Kind.INTEGRITY, unsigned.kind(), "an unsigned manifest is not blessed with a signature");
        assertTrue(runner.asked.isEmpty(), "refused before the evaluator ran");

        golden = create(true, signed);
        file = backups.root().resolve(golden.id()).resolve(BackupsDir.MANIFEST);
        RagbackException withoutKey = assertThrows(RagbackException.class,
                () -> run(ManifestSignature.none(), true));
        assertEquals(RagbackException.Kind.USAGE, withoutKey.kind());

        EvalQuickService.Run run = run(signed, true);
        assertEquals(golden.id(), run.goldenSet());
        assertEquals(0.84, run.recorded().metrics().get("faithfulness"));
        SnapshotVerifier.SetCheck check = verifier(signed).verify(golden.id(), false);
        assertTrue(check.ok(), check.problems().toString());
        assertEquals(0.84, check.manifest().baselineScores().get("faithfulness"));
        assertTrue(check.manifest().golden());
    }

    @Test
    void unknownFieldsAreKeptWhenTheBaselineIsWritten() throws Exception {
        Manifest golden = create(true, ManifestSignature.none());
        Path file = backups.root().resolve(golden.id()).resolve(BackupsDir.MANIFEST);
        ObjectNode tree = (ObjectNode) JSON.readTree(file.toFile());
        tree.putObject("future_field").put("nested", 7);
        Files.writeString(file, JSON.writeValueAsString(tree));
        runner.printing("{\"faithfulness\": 0.84}");

        run(ManifestSignature.none(), true);

        JsonNode after = manifestTree(golden.id());
        assertEquals(7, after.at("/future_field/nested").asInt());
        assertEquals(0.84, after.at("/eval_baseline/metrics/faithfulness").asDouble());
        assertEquals(golden.qdrant().sha256(), after.at("/qdrant/sha256").asText());
    }
}
