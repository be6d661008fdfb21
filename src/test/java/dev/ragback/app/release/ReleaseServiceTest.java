package dev.ragback.app.release;

import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatStatus;
import dev.ragback.app.compat.LiveSources;
import dev.ragback.app.fakes.FakeAppliedMigrations;
import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.fakes.FakeReleaseSwitch;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseServiceTest {
    private static final String HEADER = "| Binary Version | Schema Version | Qdrant Collection | Status |\n| --- | --- | --- | --- |\n";

    @TempDir
    Path dir;

    private final FakeReleaseSwitch releases = new FakeReleaseSwitch()
            .with("v1.0.0", true).with("v1.1.0", true).with("v1.2.0", false).with("v2.0.0", false).with("v3.0.0", true)
            .current("v2.0.0");
    private final FakeAppliedMigrations migrations = new FakeAppliedMigrations().applied("v1.1.0");
    private final FakeVectorStore vectors = new FakeVectorStore().withCollection("rag_main_v2", "green", 10).withAlias("rag_main", "rag_main_v2");
    private final FakeAuditLog audit = new FakeAuditLog();

    private ReleaseService service(String rows) throws IOException {
        Path matrix = Files.writeString(dir.resolve("matrix.md"), HEADER + rows);
        CompatService compat = new CompatService(matrix, new LiveSources(releases, migrations, vectors, "rag_main"));
        return new ReleaseService(releases, compat, audit, () -> new Operator("oncall", "ops-1"));
    }

    private ReleaseService compatible() throws IOException {
        return service("| v1.1.0 | v1.1.0 | rag_main_v2 | ✅ OK |\n");
    }

    @Test
    void revertActivatesTheNewestGreenReleaseOlderThanCurrentAndRecordsIt() throws IOException {
        ReleaseService.Reverted reverted = compatible().revertLastGreen(false, false, null);

        assertEquals(List.of("v1.1.0"), releases.activations);
        assertTrue(reverted.changed());
        assertEquals(CompatStatus.OK, reverted.plan().verdict().status());
        assertEquals(List.of(), reverted.warnings());
        AuditLog.Event event = audit.only(ReleaseService.REVERT_EVENT);
        assertEquals(ReleaseService.TASK_ID, event.taskId());
        assertEquals("v2.0.0", event.metadata().get("from"));
        assertEquals("v1.1.0", event.metadata().get("to"));
        assertEquals(false, event.metadata().get("forced"));
        assertEquals("OK", event.metadata().get("compat"));
        assertEquals("v1.1.0", event.metadata().get("schema"));
        assertEquals("rag_main_v2", event.metadata().get("collection"));
        assertEquals("ops-1", event.metadata().get("host"));
    }

    @Test
    void versionsCompareAsSemanticVersionsNotText() throws IOException {
        releases.installed.clear();
        releases.with("v1.9.0", true).with("v1.10.0", true).with("v1.11.0", false).current("v1.11.0");
        assertEquals("v1.10.0", service("").planRevert(false).to());
    }

    @Test
    void incompatibleIsAGateFailureAndChangesNothing() throws IOException {
        ReleaseService service = service("| v1.1.0 | v1.1.0 | rag_main_v2 | ❌ INCOMPATIBLE |\n");
        RagbackException failure = assertThrows(RagbackException.class, () -> service.revertLastGreen(false, false, null));
        assertEquals(RagbackException.Kind.GATE, failure.kind());
        assertTrue(failure.getMessage().contains("v2.0.0 -> v1.1.0 blocked: (v1.1.0, v1.1.0, rag_main_v2) is INCOMPATIBLE (matrix line 3)"),
                failure.getMessage());
        assertTrue(failure.hint().contains("--force"), failure.hint());
        assertEquals(List.of(), releases.activations);
        assertEquals(List.of(), audit.events);
    }

    @Test
    void forceRevertsAnIncompatibleReleaseWithAWarningAndSaysSoInTheEvent() throws IOException {
        ReleaseService.Reverted reverted = service("| v1.1.0 | v1.1.0 | rag_main_v2 | INCOMPATIBLE |\n").revertLastGreen(false, true, null);
        assertEquals(List.of("v1.1.0"), releases.activations);
        assertTrue(reverted.warnings().get(0).startsWith("--force: (v1.1.0, v1.1.0, rag_main_v2) is INCOMPATIBLE"), reverted.warnings().toString());
        assertEquals(true, audit.only(ReleaseService.REVERT_EVENT).metadata().get("forced"));
        assertEquals("INCOMPATIBLE", audit.only(ReleaseService.REVERT_EVENT).metadata().get("compat"));
    }

    @Test
    void unknownAndWarnRevertWithAWarning() throws IOException {
        ReleaseService.Reverted unknown = service("").revertLastGreen(false, false, null);
        assertEquals(CompatStatus.UNKNOWN, unknown.plan().verdict().status());
        assertTrue(unknown.warnings().get(0).contains("not listed"), unknown.warnings().toString());

        releases.current("v2.0.0");
        ReleaseService.Reverted warn = service("| v1.1.0 | v1.1.0 | rag_main_v2 | ⚠️ WARN |\n").revertLastGreen(false, false, null);
        assertEquals(CompatStatus.WARN, warn.plan().verdict().status());
        assertTrue(warn.warnings().get(0).contains("marked WARN"), warn.warnings().toString());
        assertEquals(List.of("v1.1.0", "v1.1.0"), releases.activations);
    }

    @Test
    void aRestoredCollectionCountsAsItsOriginalName() throws IOException {
        vectors.aliases.clear();
        vectors.withCollection("rag_main_v2_r20261128-031502", "green", 10).withAlias("rag_main", "rag_main_v2_r20261128-031502");
        ReleaseService service = service("| v1.1.0 | v1.1.0 | rag_main_v2 | ❌ INCOMPATIBLE |\n");
        assertEquals(RagbackException.Kind.GATE, assertThrows(RagbackException.class, () -> service.planRevert(false)).kind());
    }

    @Test
    void anUnknownLiveSchemaCannotBeCheckedAndIsAWarning() throws IOException {
        migrations.rows.clear();
        ReleaseService.RevertPlan plan = compatible().planRevert(false);
        assertEquals(CompatStatus.UNKNOWN, plan.verdict().status());
        assertEquals("compat cannot be checked: live schema unknown: no applied migration in schema_migrations", plan.warnings().get(0));
        assertEquals("?", plan.verdict().triple().schema());
    }

    @Test
    void anUnreachableQdrantBlocksTheRevertUnlessForced() throws IOException {
        vectors.down = true;
        ReleaseService service = compatible();
        RagbackException failure = assertThrows(RagbackException.class, () -> service.revertLastGreen(false, false, null));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().startsWith("revert last-green: cannot check the compat matrix: Qdrant"), failure.getMessage());
        assertTrue(failure.hint().endsWith("or pass --force to revert without the check"), failure.hint());
        assertEquals(List.of(), releases.activations);

        ReleaseService.Reverted forced = service.revertLastGreen(false, true, null);
        assertEquals(List.of("v1.1.0"), releases.activations);
        assertTrue(forced.warnings().get(0).startsWith("--force: compat not checked"), forced.warnings().toString());
    }

    @Test
    void noGreenReleaseOlderThanCurrentFailsNamingTheGreenOnes() throws IOException {
        releases.with("v0.9.0", false).current("v0.9.0");
        RagbackException failure = assertThrows(RagbackException.class, () -> compatible().planRevert(false));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertEquals("revert last-green: no green release older than v0.9.0 (green: v1.0.0, v1.1.0, v3.0.0)", failure.getMessage());
        assertTrue(failure.hint().contains("ragback release mark-green"), failure.hint());
    }

    @Test
    void aGreenCurrentReleaseHasNothingToRevert() throws IOException {
        releases.current("v3.0.0");
        ReleaseService.RevertPlan newest = compatible().planRevert(false);
        assertTrue(newest.nothingToRevert());
        assertEquals("nothing to revert: v3.0.0 is the newest green release",
                ReleaseService.nothingToRevert("v3.0.0", releases.releases()));
        assertEquals("nothing to revert: v1.1.0 is green", ReleaseService.nothingToRevert("v1.1.0", releases.releases()));
        assertEquals(null, ReleaseService.nothingToRevert("v2.0.0", releases.releases()));
    }

    @Test
    void noCurrentReleaseFails() throws IOException {
        releases.current = null;
        RagbackException failure = assertThrows(RagbackException.class, () -> compatible().planRevert(false));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("no current release"), failure.getMessage());
    }

    @Test
    void dryRunChangesAndRecordsNothing() throws IOException {
        ReleaseService.Reverted planned = compatible().revertLastGreen(true, false, null);
        assertFalse(planned.changed());
        assertEquals("v1.1.0", planned.plan().to());
        assertEquals(List.of(), releases.activations);
        assertEquals(List.of(), audit.events);
        assertEquals("v2.0.0", releases.current);
    }

    @Test
    void aRollbackRecordsTheRevertUnderItsRunId() throws IOException {
        compatible().revertLastGreen(false, false, "rollback_1764300000");
        assertEquals("rollback_1764300000", audit.only(ReleaseService.REVERT_EVENT).taskId());
    }

    @Test
    void taskDbDownIsAWarningAfterTheRevert() throws IOException {
        audit.down = true;
        ReleaseService.Reverted reverted = compatible().revertLastGreen(false, false, null);
        assertEquals("v1.1.0", releases.current);
        assertNull(reverted.eventId());
        assertTrue(reverted.warnings().get(0).startsWith("release v1.1.0 is live, but TaskDB did not record the release_revert event"),
                reverted.warnings().toString());
    }

    @Test
    void markGreenMarksAndRecords() throws IOException {
        ReleaseService.Marked marked = compatible().markGreen("v1.2.0");
        assertTrue(releases.installed.get("v1.2.0"));
        assertEquals("v1.2.0", audit.only(ReleaseService.GREEN_EVENT).metadata().get("version"));
        assertEquals(marked.eventId(), audit.only(ReleaseService.GREEN_EVENT).id());
    }

    @Test
    void markGreenRefusesUnsafeNamesBeforeTouchingTheSwitch() throws IOException {
        ReleaseService service = compatible();
        for (String bad : new String[] {"../v1", "v1/x", "", "v1\n"}) {
            assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> service.markGreen(bad)).kind());
        }
        assertEquals(List.of(), audit.events);
    }

    @Test
    void listShowsReleasesOldestFirstAndTheCurrentOne() throws IOException {
        ReleaseService.Listing listing = compatible().list();
        assertEquals(List.of("v1.0.0", "v1.1.0", "v1.2.0", "v2.0.0", "v3.0.0"),
                listing.releases().stream().map(r -> r.version()).toList());
        assertEquals("v2.0.0", listing.current().orElseThrow());
    }
}
