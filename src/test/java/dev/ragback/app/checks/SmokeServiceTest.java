package dev.ragback.app.checks;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.LiveSources;
import dev.ragback.app.fakes.FakeAppliedMigrations;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeReleaseSwitch;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.HttpProbe;
import dev.ragback.app.port.VectorPoint;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.app.snapshot.SnapshotVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmokeServiceTest {
    private static final String MATRIX = """
            | Binary Version | Schema Version | Qdrant Collection | Status |
            |---|---|---|---|
            | v1.1.0 | v1.1.0 | rag_main_v2 | ✅ OK |
            | v1.2.0 | v1.1.0 | rag_main_v2 | ⚠️ WARN |
            | v2.0.0 | v1.1.0 | rag_main_v2 | ❌ INCOMPATIBLE |
            """;
    private static final URI API = URI.create("http://app.local:8000/health?token=s3cret");

    @TempDir
    Path dir;

    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeReleaseSwitch releases = new FakeReleaseSwitch().with("v1.1.0", true).current("v1.1.0");
    private final FakeAppliedMigrations migrations = new FakeAppliedMigrations().applied("v1.0.0").applied("v1.1.0");
    private final Map<URI, Object> answers = new ConcurrentHashMap<>();
    private BackupsDir backups;
    private CompatService compat;

    @BeforeEach
    void healthyStack() throws IOException {
        database.tables.add("rag_chunks");
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 40).withAlias("rag_main", "rag_main_v2");
        backups = new BackupsDir(dir.resolve("backups"));
        compat = new CompatService(Files.writeString(dir.resolve("matrix.md"), MATRIX),
                new LiveSources(releases, migrations, vectors, "rag_main"));
        answers.put(API, new HttpProbe.Answer(200, 1));
    }

    private Manifest golden() {
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        return new SnapshotCreator(backups, new SnapshotCreator.Sources(vectors, database, new FakeDumpTool(), migrations, null),
                settings, "0.1.0", Clock.systemUTC()).create("golden", true, Progress.NONE).manifest();
    }

    private HttpProbe http() {
        return url -> {
            Object answer = answers.get(url);
            if (answer instanceof RuntimeException failure) {
                throw failure;
            }
            return (HttpProbe.Answer) answer;
        };
    }

    private SmokeReport run() {
        SnapshotCatalog catalog = new SnapshotCatalog(backups, new SnapshotVerifier(backups, new FakeDumpTool()), Clock.systemUTC());
        SmokeService.Settings settings = new SmokeService.Settings("rag_main", List.of("rag_chunks"),
                new ProbeComparison(0.8, 0.05), List.of(new SmokeService.HttpTarget("api", API, 200)));
        return new SmokeService(new SmokeService.Subjects(database, vectors, catalog, compat, http()), settings).run();
    }

    private static SmokeCheck check(SmokeReport report, String name) {
        return report.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static void assertCheck(SmokeReport report, String name, SmokeCheck.Status status, String detailPart) {
        SmokeCheck check = check(report, name);
        assertEquals(status, check.status(), name + ": " + check.detail());
        assertTrue(check.detail().contains(detailPart), name + ": " + check.detail());
    }

    @Test
    void aHealthyStackPassesEveryCheckInAFixedOrder() {
        Manifest golden = golden();
        SmokeReport report = run();
        assertEquals(List.of("postgres", "schema", "qdrant", "probes", "compat", "http:api"),
                report.checks().stream().map(SmokeCheck::name).toList());
        assertTrue(report.passed(), report.toString());
        assertCheck(report, "postgres", SmokeCheck.Status.PASS, "PostgreSQL 15.18 at fake:5432/ragdb");
        assertCheck(report, "schema", SmokeCheck.Status.PASS, "rag_chunks present");
        assertCheck(report, "qdrant", SmokeCheck.Status.PASS, "rag_main -> rag_main_v2 green, 40 points");
        assertCheck(report, "probes", SmokeCheck.Status.PASS, "3 probes match golden set " + golden.id());
        assertCheck(report, "compat", SmokeCheck.Status.PASS, "(v1.1.0, v1.1.0, rag_main_v2) is OK (matrix line 3)");
        assertCheck(report, "http:api", SmokeCheck.Status.PASS, "GET http://app.local:8000/health?token=*** answered 200");
        assertFalse(check(report, "http:api").detail().contains("s3cret"));
        report.checks().forEach(c -> assertNull(c.warning(), c.name()));
        report.checks().forEach(c -> assertFalse(c.duration().isNegative(), c.name()));
    }

    @Test
    void withoutAGoldenSetProbesAreSkippedAndTheRunStillPasses() {
        SmokeReport report = run();
        assertCheck(report, "probes", SmokeCheck.Status.SKIP, "no golden snapshot set");
        assertTrue(report.passed());
    }

    @Test
    void stoppedDatabaseFailsEveryCheckThatNeedsItWithItsMessage() {
        golden();
        database.down = true;
        migrations.down = true;
        SmokeReport report = run();
        assertCheck(report, "postgres", SmokeCheck.Status.FAIL, "PostgreSQL at fake:5432/ragdb: connection refused");
        assertCheck(report, "schema", SmokeCheck.Status.FAIL, "PostgreSQL at fake:5432/ragdb: connection refused");
        assertCheck(report, "compat", SmokeCheck.Status.FAIL, "PostgreSQL at fake:5432/ragdb: cannot connect");
        assertCheck(report, "qdrant", SmokeCheck.Status.PASS, "green");
        assertCheck(report, "probes", SmokeCheck.Status.PASS, "3 probes match");
        assertEquals(List.of("postgres", "schema", "compat"), report.failures().stream().map(SmokeCheck::name).toList());
    }

    @Test
    void stoppedQdrantFailsEveryCheckThatNeedsItWithItsMessage() {
        golden();
        vectors.down = true;
        SmokeReport report = run();
        for (String name : List.of("qdrant", "probes", "compat")) {
            assertCheck(report, name, SmokeCheck.Status.FAIL, "Qdrant at http://fake:6333: connection refused");
        }
        assertCheck(report, "postgres", SmokeCheck.Status.PASS, "15.18");
        assertFalse(report.passed());
    }

    @Test
    void qdrantMustBeReadyResolveBeGreenAndHoldPoints() {
        vectors.ready = false;
        assertCheck(run(), "qdrant", SmokeCheck.Status.FAIL, "Qdrant is not ready (/readyz)");
        vectors.ready = true;
        vectors.withCollection("rag_main_v2", "red", 40);
        assertCheck(run(), "qdrant", SmokeCheck.Status.FAIL, "rag_main -> rag_main_v2 is red, not green");
        vectors.withCollection("rag_main_v2", "green", 0);
        vectors.points.get("rag_main_v2").clear();
        assertCheck(run(), "qdrant", SmokeCheck.Status.FAIL, "rag_main -> rag_main_v2 is green but has no points");
        vectors.aliases.clear();
        assertCheck(run(), "qdrant", SmokeCheck.Status.FAIL, "no collection or alias named rag_main");
    }

    @Test
    void missingChunksTableFailsTheSchemaCheck() {
        database.tables.clear();
        SmokeReport report = run();
        assertCheck(report, "schema", SmokeCheck.Status.FAIL, "missing table rag_chunks at fake:5432/ragdb");
        assertCheck(report, "postgres", SmokeCheck.Status.PASS, "15.18");
    }

    @Test
    void probesWhoseNeighboursAreGoneFailNamingThePoint() {
        Manifest.Probe first = golden().probes().get(0);
        Set<Object> neighbours = new HashSet<>();
        first.results().forEach(hit -> neighbours.add(ProbeComparison.pointId(hit.id())));
        neighbours.remove(ProbeComparison.pointId(first.pointId()));
        vectors.points.get("rag_main_v2").removeIf(p -> neighbours.contains(p.id()));
        SmokeCheck probes = check(run(), "probes");
        assertEquals(SmokeCheck.Status.FAIL, probes.status(), probes.detail());
        assertTrue(probes.detail().matches(".*point " + first.pointId() + ": overlap 0\\.[0-2]0 < 0\\.80.*"), probes.detail());
    }

    @Test
    void aProbePointThatIsGoneFails() {
        Manifest.Probe second = golden().probes().get(1);
        vectors.points.get("rag_main_v2").removeIf(p -> p.id().equals(ProbeComparison.pointId(second.pointId())));
        SmokeCheck probes = check(run(), "probes");
        assertEquals(SmokeCheck.Status.FAIL, probes.status(), probes.detail());
        assertTrue(probes.detail().contains("point " + second.pointId() + ": point is missing"), probes.detail());
    }

    @Test
    void shiftedScoresFailTheProbesEvenWithTheSameIds() {
        golden();
        List<VectorPoint> points = vectors.points.get("rag_main_v2");
        points.replaceAll(p -> new VectorPoint(p.id(), scaled(p.vector(), 1.2f)));
        SmokeCheck probes = check(run(), "probes");
        assertEquals(SmokeCheck.Status.FAIL, probes.status(), probes.detail());
        assertTrue(probes.detail().contains("mean score"), probes.detail());
    }

    private static float[] scaled(float[] vector, float factor) {
        float[] out = vector.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }

    @Test
    void compatFailsOnIncompatiblePassesUnknownWithAWarningAndSkipsAnIncompleteTriple() {
        releases.with("v2.0.0", false).current("v2.0.0");
        assertCheck(run(), "compat", SmokeCheck.Status.FAIL, "(v2.0.0, v1.1.0, rag_main_v2) is INCOMPATIBLE (matrix line 5)");

        releases.with("v1.2.0", false).current("v1.2.0");
        SmokeCheck warn = check(run(), "compat");
        assertEquals(SmokeCheck.Status.PASS, warn.status());
        assertTrue(warn.warning().contains("WARN"), warn.warning());

        releases.with("v3.0.0", false).current("v3.0.0");
        SmokeCheck unknown = check(run(), "compat");
        assertEquals(SmokeCheck.Status.PASS, unknown.status());
        assertTrue(unknown.detail().contains("is UNKNOWN (not in the matrix)"), unknown.detail());
        assertTrue(unknown.warning().contains("not listed in the matrix"), unknown.warning());

        releases.current = null;
        assertCheck(run(), "compat", SmokeCheck.Status.SKIP, "live triple incomplete: binary unknown: no current release");
    }

    @Test
    void httpCheckFailsOnAnotherStatusOrNoAnswer() {
        answers.put(API, new HttpProbe.Answer(500, 3));
        assertCheck(run(), "http:api", SmokeCheck.Status.FAIL, "answered 500 (after 3 tries), expected 200");
        answers.put(API, RagbackException.external("GET http://app.local:8000/health?token=***: no answer within 5s", null, null));
        assertCheck(run(), "http:api", SmokeCheck.Status.FAIL, "no answer within 5s");
    }

    @Test
    void anUnexpectedErrorInACheckIsAFailureNotAnException() {
        answers.put(API, new IllegalStateException("boom"));
        SmokeReport report = run();
        assertCheck(report, "http:api", SmokeCheck.Status.FAIL, "unexpected IllegalStateException: boom");
        assertEquals(List.of("http:api"), report.failures().stream().map(SmokeCheck::name).toList());
    }
}
