package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DumpTool;
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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestoreServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private final List<AppliedMigrations.Applied> applied = new ArrayList<>(List.of(
            new AppliedMigrations.Applied("v1.0.0", NOW, "u0", "d0", "DROP TABLE rag_chunks;", false)));
    private BackupsDir backups;
    private String id;

    @BeforeEach
    void goldenSet() throws Exception {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 12).withAlias("rag_main", "rag_main_v2");
        FakeDatabaseProbe database = new FakeDatabaseProbe();
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 2, 3, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        id = new SnapshotCreator(backups,
                new SnapshotCreator.Sources(vectors, database, dumpTool, () -> List.copyOf(applied), null), settings, "0.1.0",
                Clock.fixed(NOW, ZoneOffset.UTC)).create(null, true, Progress.NONE).manifest().id();
        applied.add(new AppliedMigrations.Applied("v1.1.0", NOW, "u1", "d1", "DROP TABLE rag_ingest_runs;", false));
        vectors.points.get("rag_main_v2").remove(0);
    }

    private RestoreService service() throws Exception {
        return service("rag_main", Duration.ofSeconds(2));
    }

    private RestoreService service(String configuredCollection, Duration greenTimeout) throws Exception {
        Path matrix = Files.writeString(root.resolve("matrix.md"), "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n| v1.0.0 | v1.0.0 | rag_main_v2 | OK |\n");
        SnapshotVerifier verifier = new SnapshotVerifier(backups, dumpTool);
        return new RestoreService(new RestoreService.Sets(backups, verifier, new SnapshotCatalog(backups, verifier, Clock.systemUTC())),
                new RestoreService.Live(() -> List.copyOf(applied), dumpTool, vectors, null, new CompatService(matrix)),
                new RestoreService.Settings(configuredCollection, 1, greenTimeout, new dev.ragback.app.checks.ProbeComparison(0.8, 0.05)));
    }

    @Test
    void aDirtyMigrationIsLeftOutOfTheDownChain() throws Exception {
        applied.add(new AppliedMigrations.Applied("v1.2.0", NOW, "u2", "d2", "DROP TABLE never_created;", true));
        RestorePlan plan = service().plan(id, RestoreService.Only.POSTGRES);
        assertEquals(List.of("v1.1.0"), plan.downChain().stream().map(RestorePlan.DownStep::version).toList());
        assertEquals("v1.1.0", plan.liveSchema());
    }

    @Test
    void aPlainCollectionIsRecoveredInPlaceAndTheManifestsAliasesAreRecreated() throws Exception {
        vectors.aliases.clear();
        RestoreService service = service("rag_main_v2", Duration.ofSeconds(2));
        RestorePlan plan = service.plan(id, RestoreService.Only.QDRANT);
        assertTrue(plan.qdrantInPlace());
        assertEquals("rag_main_v2", plan.qdrantTarget());
        assertEquals(List.of("rag_main"), plan.aliasesToSwitch());
        service.execute(plan, Progress.NONE);
        assertEquals(12, vectors.points.get("rag_main_v2").size());
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
    }

    @Test
    void aPlainCollectionThatTheFailedRestoreCreatedIsDeleted() throws Exception {
        vectors.aliases.clear();
        vectors.collections.remove("rag_main_v2");
        vectors.points.remove("rag_main_v2");
        vectors.statusAfterUpload = "yellow";
        RestoreService service = service("rag_main_v2", Duration.ofMillis(300));
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("the half-restored collection rag_main_v2 was deleted"), e.getMessage());
        assertFalse(vectors.collections.containsKey("rag_main_v2"));
        assertEquals(List.of(), vectors.aliases);
    }

    @Test
    void planNamesTheDownChainTheNewCollectionAndTheAliases() throws Exception {
        RestorePlan plan = service().plan(service().pick(null), RestoreService.Only.BOTH);
        assertEquals(id, plan.id());
        assertEquals("v1.1.0", plan.liveSchema());
        assertEquals(List.of("v1.1.0"), plan.downChain().stream().map(RestorePlan.DownStep::version).toList());
        assertEquals("rag_main_v2_r" + id, plan.qdrantTarget());
        assertEquals(List.of("rag_main"), plan.aliasesToSwitch());
        assertEquals("rag_main_v2", plan.previousCollection());
        assertTrue(vectors.calls.stream().noneMatch(c -> c.startsWith("upload")), "planning changes nothing");
        assertTrue(dumpTool.restores.isEmpty());
    }

    @Test
    void restoringTheSameSetTwiceUploadsIntoANewNameAndKeepsTheLiveOne() throws Exception {
        RestoreService service = service();
        service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE);
        vectors.points.get("rag_main_v2_r" + id).remove(0);
        RestorePlan second = service.plan(id, RestoreService.Only.QDRANT);
        assertEquals("rag_main_v2_r" + id + "_2", second.qdrantTarget());
        assertEquals("rag_main_v2_r" + id, second.previousCollection());
        service.execute(second, Progress.NONE);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2_r" + id + "_2")), vectors.aliases);
        assertEquals(11, vectors.points.get("rag_main_v2_r" + id).size(), "the live collection of the first restore is kept as it was");
        assertEquals("rag_main_v2_r" + id + "_3", service.plan(id, RestoreService.Only.QDRANT).qdrantTarget());
    }

    @Test
    void executeRestoresBothAndSwitchesTheAliasKeepingTheOldCollection() throws Exception {
        RestoreService service = service();
        service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE);
        assertEquals(1, dumpTool.restores.size());
        assertEquals(List.of("v1.1.0"), dumpTool.restores.get(0).downChain().stream().map(DumpTool.DownMigration::version).toList());
        assertTrue(dumpTool.restores.get(0).downChain().get(0).downSql().contains("DROP TABLE rag_ingest_runs;"));
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2_r" + id)), vectors.aliases);
        assertEquals(12, vectors.points.get("rag_main_v2_r" + id).size());
        assertTrue(vectors.collections.containsKey("rag_main_v2"), "previous collection kept");
    }

    @Test
    void failedUploadDeletesTheHalfCollectionAndSwitchesNoAlias() throws Exception {
        vectors.uploadFailure = new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant answered 400 for POST upload: Checksum mismatch");
        RestoreService service = service();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.QDRANT), Progress.NONE));
        assertTrue(e.getMessage().contains("Checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("no collection rag_main_v2_r" + id + " was made, no alias was switched"), e.getMessage());
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertFalse(vectors.collections.containsKey("rag_main_v2_r" + id));
        assertTrue(dumpTool.restores.isEmpty(), "--only qdrant leaves PostgreSQL alone");
    }

    @Test
    void postgresFailingWhileQdrantIsPreparedDeletesTheNewCollectionAndChangesNothing() throws Exception {
        dumpTool.restoreFailure = new RagbackException(RagbackException.Kind.EXTERNAL,
                "restore of db failed: connection to server was lost", "the database was left as it was; run the restore again");
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertEquals("restore of db failed: connection to server was lost; nothing was changed", e.getMessage());
        assertTrue(e.hint().startsWith("the database was left as it was; run the restore again; run it again"), e.hint());
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertFalse(vectors.collections.containsKey("rag_main_v2_r" + id), "the prepared collection is deleted");
        assertEquals(List.of("restore of " + id + " stopped before its commit; nothing was changed:",
                "  PostgreSQL: unchanged (rolled back)",
                "  Qdrant:     unchanged, alias rag_main still on rag_main_v2; the new collection rag_main_v2_r" + id
                        + " was deleted, no alias was switched"), journal.lines);
        assertEquals(List.of("restore_started", "restore_aborted"), journal.types());
    }

    @Test
    void qdrantFailingAfterPostgresPreparedRollsTheTransactionBack() throws Exception {
        vectors.uploadFailure = new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant answered 500 for POST upload");
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertTrue(e.getMessage().endsWith("; nothing was changed"), e.getMessage());
        assertEquals(List.of("prepared", "rolled back"), dumpTool.transactions);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertEquals("  PostgreSQL: unchanged (its transaction was rolled back)", journal.lines.get(1));
        assertEquals(true, journal.events.get(1).getValue().get("unchanged"));
    }

    @Test
    void bothReadyCommitsPostgresThenSwitchesTheAliasAndJournalsTheWindow() throws Exception {
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        RestoreService.Restored restored = service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal);
        assertEquals(List.of("prepared", "committed"), dumpTool.transactions);
        assertEquals(List.of("restore_started", "restore_prepared", "restore_postgres_committed", "restore_committed"), journal.types());
        assertEquals(restored.commitWindowMillis(), journal.events.get(3).getValue().get("window_ms"));
        assertTrue(restored.commitWindowMillis() >= 0);
    }

    @Test
    void aCommitThatFailsDeletesTheNewCollection() throws Exception {
        dumpTool.commitFailure = RagbackException.external("restore of db did not commit: deferred constraint", null, null);
        RestoreService service = service();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE));
        assertTrue(e.getMessage().endsWith("; nothing was changed"), e.getMessage());
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertFalse(vectors.collections.containsKey("rag_main_v2_r" + id));
    }

    @Test
    void anAliasSwitchThatFailsAfterTheCommitRollsForward() throws Exception {
        vectors.aliasFailures = 10;
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertEquals("PostgreSQL: restored to " + id + " (committed); Qdrant: collection rag_main_v2_r" + id
                + " is ready, alias still on rag_main_v2", e.getMessage());
        assertEquals("finish it: ragback qdrant switch-alias rag_main rag_main_v2_r" + id, e.hint());
        assertEquals(List.of("prepared", "committed"), dumpTool.transactions);
        assertTrue(vectors.collections.containsKey("rag_main_v2_r" + id), "the ready collection is kept for the roll-forward");
        assertEquals(List.of("restore_started", "restore_prepared", "restore_postgres_committed", "restore_roll_forward"), journal.types());
    }

    @Test
    void aFailedAliasSwitchIsTriedAgain() throws Exception {
        vectors.aliasFailures = 1;
        RestoreService service = service();
        service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2_r" + id)), vectors.aliases);
    }

    @Test
    void aStoreRestoredAloneKeepsItsFailureAndSaysNothingChanged() throws Exception {
        dumpTool.restoreFailure = new RagbackException(RagbackException.Kind.EXTERNAL, "restore of db failed");
        RestoreService service = service();
        assertEquals("restore of db failed; nothing was changed", assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.POSTGRES), Progress.NONE)).getMessage());
        assertEquals(List.of(), dumpTool.transactions, "alone, PostgreSQL does not wait: no open transaction");
    }

    @Test
    void thePlanSaysWhenBothOrNeitherCannotHold() throws Exception {
        assertEquals(List.of(), service().plan(id, RestoreService.Only.BOTH).notAtomicBecause());
        assertTrue(service().plan(id, RestoreService.Only.POSTGRES).notAtomicBecause().get(0).startsWith("--only postgres"));
        vectors.aliases.clear();
        RestorePlan inPlace = service("rag_main_v2", Duration.ofSeconds(2)).plan(id, RestoreService.Only.BOTH);
        assertFalse(inPlace.atomic());
        assertTrue(inPlace.postgresWaits(), "in place, PostgreSQL still commits only after the upload succeeded");
        assertTrue(inPlace.notAtomicBecause().get(0).contains("plain collection"), inPlace.notAtomicBecause().toString());
    }

    @Test
    void inPlaceAnUploadTheServerRejectsRollsPostgresBack() throws Exception {
        vectors.aliases.clear();
        vectors.uploadFailure = new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant answered 500 for POST upload");
        RestoreService service = service("rag_main_v2", Duration.ofSeconds(2));
        RecordingJournal journal = new RecordingJournal();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertEquals(List.of("prepared", "rolled back"), dumpTool.transactions);
        assertTrue(journal.lines.get(2).contains("unknown after a failed in-place recovery of rag_main_v2: check it with"
                + " ragback verify --snapshot " + id), journal.lines.toString());
        assertTrue(e.getMessage().endsWith("the stores are not as they were (see above)"), e.getMessage());
    }

    @Test
    void aNewCollectionThatFailsTheGoldenProbesIsDroppedBeforeTheCommit() throws Exception {
        scrambleTheSetsVectors();
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertEquals(RagbackException.Kind.GATE, e.kind(), "a probe that fails is a gate (exit 3)");
        assertTrue(e.getMessage().startsWith("collection rag_main_v2_r" + id + " is green with its 12 points, but 2 of the 2 golden"
                + " probes of set " + id + " fail (probe 1: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the new collection rag_main_v2_r" + id + " was deleted, no alias was switched;"
                + " nothing was changed"), e.getMessage());
        assertEquals(List.of("prepared", "rolled back"), dumpTool.transactions, "PostgreSQL never committed");
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertFalse(vectors.collections.containsKey("rag_main_v2_r" + id), "the new collection is deleted");
        assertEquals(java.util.Set.of(), vectors.uploadedCopies, "the uploaded file is deleted");
        assertEquals(List.of("restore_started", "restore_aborted"), journal.types());
        assertEquals(true, journal.events.get(1).getValue().get("unchanged"));
    }

    @Test
    void inPlaceACollectionThatFailsTheGoldenProbesRollsPostgresBackAndSaysQdrantChanged() throws Exception {
        vectors.aliases.clear();
        scrambleTheSetsVectors();
        RestoreService service = service("rag_main_v2", Duration.ofSeconds(2));
        RecordingJournal journal = new RecordingJournal();
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertEquals(RagbackException.Kind.GATE, e.kind());
        assertEquals(List.of("prepared", "rolled back"), dumpTool.transactions);
        assertEquals("  Qdrant:     changed: rag_main_v2 was recovered in place from " + id + ", but its probes fail; check it"
                + " with ragback verify --snapshot " + id, journal.lines.get(2));
        assertTrue(e.getMessage().endsWith("the stores are not as they were (see above)"), e.getMessage());
    }

    @Test
    void stoppedJustBeforeThePointOfNoReturnChangesNothing() throws Exception {
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        journal.commitBegins = () -> false; // the signal came first
        RagbackException e = assertThrows(RagbackException.class,
                () -> service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal));
        assertEquals(RagbackException.Kind.INTERRUPTED, e.kind());
        assertEquals(List.of("prepared", "rolled back"), dumpTool.transactions);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2")), vectors.aliases);
        assertFalse(vectors.collections.containsKey("rag_main_v2_r" + id));
        assertEquals(List.of("restore_started", "restore_interrupted"), journal.types());
    }

    @Test
    void anInterruptAfterThePointOfNoReturnFinishesTheCommitAndTheSwitch() throws Exception {
        RestoreService service = service();
        RecordingJournal journal = new RecordingJournal();
        journal.commitBegins = () -> {
            Thread.currentThread().interrupt(); // Ctrl-C right after the point of no return
            return true;
        };
        RestoreService.Restored restored = service.execute(service.plan(id, RestoreService.Only.BOTH), Progress.NONE, journal);
        assertTrue(restored.interruptedAfterCommit());
        assertEquals(List.of("prepared", "committed"), dumpTool.transactions);
        assertEquals(List.of(new Alias("rag_main", "rag_main_v2_r" + id)), vectors.aliases);
        assertEquals(List.of("restore_started", "restore_prepared", "restore_postgres_committed", "restore_committed"), journal.types());
        assertEquals(List.of("interrupt received after the commit of " + id + "; the switch was finished"), journal.lines);
    }

    /** The set's file now restores points whose vectors are not the ones its probes were recorded on. */
    private void scrambleTheSetsVectors() {
        vectors.snapshotContents.replaceAll((checksum, content) -> content.stream()
                .map(p -> new dev.ragback.app.port.VectorPoint(p.id(), new float[] {((Long) p.id()) % 2, 9 - ((Long) p.id()) % 4, 0, 0}))
                .toList());
    }

    /** Events and lines, as TaskDB and the terminal would get them. */
    static final class RecordingJournal implements RestoreJournal {
        final List<java.util.Map.Entry<String, java.util.Map<String, Object>>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.BooleanSupplier commitBegins = () -> true;

        @Override
        public boolean commitBegins() {
            return commitBegins.getAsBoolean();
        }

        @Override
        public void record(String eventType, java.util.Map<String, Object> metadata) {
            events.add(java.util.Map.entry(eventType, metadata));
        }

        @Override
        public void say(String line) {
            lines.add(line);
        }

        List<String> types() {
            return events.stream().map(java.util.Map.Entry::getKey).toList();
        }
    }

    @Test
    void damagedSetIsNotRestored() throws Exception {
        Path dump = backups.existing(id).resolve("postgres/ragdb.dump");
        Files.writeString(dump, "tampered");
        RagbackException e = assertThrows(RagbackException.class, () -> service().plan(id, RestoreService.Only.BOTH));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertTrue(vectors.calls.stream().noneMatch(c -> c.startsWith("upload")));
    }

    @Test
    void noGoldenSetIsIntegrityFailure() throws Exception {
        backups.delete(backups.existing(id));
        assertEquals(RagbackException.Kind.INTEGRITY, assertThrows(RagbackException.class, () -> service().pick(null)).kind());
    }
}
