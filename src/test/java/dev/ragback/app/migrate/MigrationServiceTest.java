package dev.ragback.app.migrate;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.fakes.FakeSchemaMigrator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationServiceTest {
    static final String V1_UP = "-- v1\nCREATE TABLE chunks;\n";
    static final String V1_DOWN = "DROP TABLE chunks;\n";
    static final String V2_UP = "CREATE TABLE runs;\nCREATE INDEX chunks_hash;\n";
    static final String V2_DOWN = "DROP INDEX chunks_hash;\nDROP TABLE runs;\n";

    @TempDir
    Path dir;

    private final FakeSchemaMigrator db = new FakeSchemaMigrator();
    private MigrationService service;

    static void write(Path dir, String version, String up, String down) throws IOException {
        Files.createDirectories(dir.resolve(version));
        Files.writeString(dir.resolve(version).resolve("up.sql"), up);
        Files.writeString(dir.resolve(version).resolve("down.sql"), down);
    }

    @BeforeEach
    void migrations() throws IOException {
        write(dir, "v1.0.0", V1_UP, V1_DOWN);
        write(dir, "v1.1.0", V2_UP, V2_DOWN);
        service = new MigrationService(dir, db, () -> "0badcafe");
    }

    private List<String> upAll() {
        List<String> seen = new ArrayList<>();
        service.up(null, step -> seen.add(step.version()));
        return seen;
    }

    @Test
    void upAppliesPendingVersionsInOrderEscrowingDownSql() {
        assertEquals(List.of("v1.0.0", "v1.1.0"), upAll());
        assertEquals(List.of("TABLE chunks", "INDEX chunks_hash", "TABLE runs").stream().sorted().toList(), List.copyOf(db.schema));
        assertAll(
                () -> assertEquals(Sha256.ofText(V2_UP), db.row("v1.1.0").upSha256()),
                () -> assertEquals(Sha256.ofText(V2_DOWN), db.row("v1.1.0").downSha256()),
                () -> assertEquals(V2_DOWN, db.row("v1.1.0").downSql()),
                () -> assertFalse(db.row("v1.1.0").dirty()));
        MigrationService.UpResult again = service.up(null, step -> { });
        assertTrue(again.applied().isEmpty());
        assertEquals("v1.1.0", again.current().orElseThrow());
    }

    @Test
    void upToStopsAtTheVersionAndRefusesUnknownOrUnsafeVersions() {
        MigrationService.UpResult result = service.up("v1.0.0", step -> { });
        assertEquals(List.of("v1.0.0"), result.applied().stream().map(MigrationService.Step::version).toList());
        assertNull(db.row("v1.1.0"));
        RagbackException unknown = assertThrows(RagbackException.class, () -> service.up("v9.9.9", step -> { }));
        assertEquals(RagbackException.Kind.USAGE, unknown.kind());
        assertTrue(unknown.hint().contains("v1.0.0, v1.1.0"), unknown.hint());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> service.up("../v1", s -> { })).kind());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> service.up("latest", s -> { })).kind());
    }

    @Test
    void aFailingStatementRollsBackMarksDirtyAndLaterRunsRefuseUntilCleared() throws IOException {
        write(dir, "v1.1.0", "CREATE TABLE runs;\n\nFAIL relation \"rag_chunkz\" does not exist;\n", V2_DOWN);
        List<String> applied = new ArrayList<>();
        RagbackException failure = assertThrows(RagbackException.class, () -> service.up(null, s -> applied.add(s.version())));
        assertEquals(List.of("v1.0.0"), applied, "the version before the broken one stays applied");
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        String message = failure.getMessage();
        assertAll(
                () -> assertTrue(message.startsWith("migrate up: v1.1.0: " + dir.resolve("v1.1.0/up.sql") + " line 3 failed: "), message),
                () -> assertTrue(message.contains("ERROR: relation \"rag_chunkz\" does not exist"), message),
                () -> assertTrue(message.contains("statement: FAIL relation"), message),
                () -> assertTrue(message.contains("v1.1.0 is marked dirty"), message),
                () -> assertTrue(failure.hint().contains("DELETE FROM schema_migrations WHERE version = 'v1.1.0' AND dirty;"), failure.hint()));
        assertEquals(List.of("TABLE chunks"), List.copyOf(db.schema), "the failed version's statements are rolled back");
        assertTrue(db.row("v1.1.0").dirty());

        RagbackException refused = assertThrows(RagbackException.class, () -> service.up(null, s -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, refused.kind());
        assertTrue(refused.getMessage().contains("v1.1.0 is dirty"), refused.getMessage());
        assertTrue(refused.hint().contains(MigrationService.clearDirtySql("v1.1.0")), refused.hint());
        assertThrows(RagbackException.class, () -> service.planDown("v1.0.0"));

        MigrationService.Status status = service.status();
        assertEquals(List.of("v1.1.0"), status.dirty());
        assertEquals("v1.0.0", status.current().orElseThrow());

        db.rows.remove(db.row("v1.1.0"));
        write(dir, "v1.1.0", V2_UP, V2_DOWN);
        assertEquals(List.of("v1.1.0"), upAll());
    }

    @Test
    void statusShowsFilesRowsDirtyAndChecksums() throws IOException {
        service.up("v1.0.0", s -> { });
        db.applied("v0.9.0", "old", "DROP TABLE legacy;", "x");
        write(dir, "v1.0.0", V1_UP + "-- edited after it was applied\n", V1_DOWN);
        write(dir, "v1.2.0", "CREATE TABLE c;", "DROP TABLE c;");
        MigrationService.Status status = service.status();
        assertEquals(List.of("v0.9.0", "v1.0.0", "v1.1.0", "v1.2.0"),
                status.versions().stream().map(MigrationService.VersionStatus::version).toList());
        assertEquals(List.of(MigrationService.Checksum.NO_FILE, MigrationService.Checksum.MISMATCH, MigrationService.Checksum.PENDING,
                MigrationService.Checksum.PENDING), status.versions().stream().map(MigrationService.VersionStatus::checksum).toList());
        assertFalse(status.versions().get(0).filePresent());
        assertTrue(status.versions().get(1).applied());
        assertFalse(status.versions().get(2).applied());
        assertEquals(List.of("v1.1.0", "v1.2.0"), status.pending());
        assertEquals("v1.0.0", status.current().orElseThrow());
        assertEquals("fake:5432/ragdb", status.database());
    }

    @Test
    void upWarnsWhenAnAppliedUpSqlChangedAndRefusesToApplyOutOfOrder() throws IOException {
        service.up(null, s -> { });
        write(dir, "v1.0.0", V1_UP + "-- edited\n", V1_DOWN);
        MigrationService.UpResult result = service.up(null, s -> { });
        assertEquals(1, result.warnings().size(), result.warnings().toString());
        assertTrue(result.warnings().get(0).contains("v1.0.0/up.sql changed since v1.0.0 was applied"), result.warnings().get(0));

        write(dir, "v1.0.5", "CREATE TABLE late;", "DROP TABLE late;");
        RagbackException outOfOrder = assertThrows(RagbackException.class, () -> service.up(null, s -> { }));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, outOfOrder.kind());
        assertTrue(outOfOrder.getMessage().contains("v1.0.5 is not applied but older than the applied v1.1.0"), outOfOrder.getMessage());
        assertFalse(db.schema.contains("TABLE late"));
    }

    @Test
    void downRevertsNewestFirstWithTheEscrowedSqlNotTheFile() throws IOException {
        write(dir, "v1.2.0", "CREATE TABLE feedback;", "DROP TABLE feedback;");
        upAll();
        write(dir, "v1.1.0", V2_UP, "DROP TABLE runs;\n-- the index is forgotten in this newer file\n");
        Files.delete(dir.resolve("v1.2.0/down.sql"));
        Files.delete(dir.resolve("v1.2.0/up.sql"));
        Files.delete(dir.resolve("v1.2.0"));

        MigrationService.DownPlan plan = service.planDown("v1.0.0");
        assertEquals(List.of("v1.2.0", "v1.1.0"), plan.reverts().stream().map(MigrationService.Revert::version).toList());
        assertTrue(plan.reverts().stream().allMatch(MigrationService.Revert::escrowed));
        assertEquals("v1.2.0", plan.from());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("v1.1.0/down.sql differs from the down.sql escrowed")),
                plan.warnings().toString());
        assertEquals(3, db.rows.size(), "planning changes nothing");

        List<String> reverted = new ArrayList<>();
        service.down(plan, step -> reverted.add(step.version()));
        assertEquals(List.of("v1.2.0", "v1.1.0"), reverted);
        assertEquals(List.of("TABLE chunks"), List.copyOf(db.schema), "the escrowed down.sql dropped the index too");
        assertEquals(List.of("v1.0.0"), db.rows.stream().map(r -> r.version()).toList());
    }

    @Test
    void downNeedsAKnownTargetAndHasNothingToDoAtTheCurrentVersion() {
        upAll();
        RagbackException typo = assertThrows(RagbackException.class, () -> service.planDown("v1.0"));
        assertEquals(RagbackException.Kind.USAGE, typo.kind());
        assertTrue(typo.hint().contains("v1.0.0, v1.1.0"), typo.hint());
        assertTrue(service.planDown("v1.1.0").reverts().isEmpty());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> service.planDown("v1/../x")).kind());
    }

    @Test
    void aFailingDownKeepsTheVersionAppliedAndMarksItDirty() {
        upAll();
        db.rows.set(1, new dev.ragback.app.port.AppliedMigrations.Applied("v1.1.0", db.row("v1.1.0").appliedAt(),
                db.row("v1.1.0").upSha256(), db.row("v1.1.0").downSha256(), "DROP INDEX chunks_hash;\nFAIL cannot drop table runs;", false));
        MigrationService.DownPlan plan = service.planDown("v1.0.0");
        RagbackException failure = assertThrows(RagbackException.class, () -> service.down(plan, s -> { }));
        assertTrue(failure.getMessage().startsWith("migrate down: v1.1.0: the escrowed down.sql of v1.1.0 line 2 failed"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("v1.1.0 is still applied"), failure.getMessage());
        assertTrue(failure.hint().contains("UPDATE schema_migrations SET dirty = false WHERE version = 'v1.1.0';"), failure.hint());
        assertTrue(db.row("v1.1.0").dirty());
        assertTrue(db.schema.contains("INDEX chunks_hash"), "rolled back");
    }

    @Test
    void downFallsBackToTheFileOnlyWhenNothingWasEscrowed() {
        db.applied("v1.0.0", Sha256.ofText(V1_UP), null, null);
        db.schema.add("TABLE chunks");
        MigrationService.DownPlan plan = service.planDown("v1.0.0");
        assertTrue(plan.reverts().isEmpty());
        db.applied("v1.1.0", Sha256.ofText(V2_UP), "", null);
        plan = service.planDown("v1.0.0");
        assertFalse(plan.reverts().get(0).escrowed());
        assertEquals(V2_DOWN, plan.reverts().get(0).downSql());
        assertTrue(plan.warnings().get(0).contains("nothing escrowed"), plan.warnings().toString());
    }

    @Test
    void downWorksWithoutTheMigrationsDirectory() throws IOException {
        upAll();
        MigrationService withoutFiles = new MigrationService(dir.resolve("not-shipped"), db, () -> "x");
        MigrationService.DownPlan plan = withoutFiles.planDown("v1.0.0");
        assertTrue(plan.warnings().get(0).contains("does not exist"), plan.warnings().toString());
        withoutFiles.down(plan, s -> { });
        assertEquals(List.of("TABLE chunks"), List.copyOf(db.schema));
    }

    @Test
    void unreachableDatabaseIsExternal() {
        db.down = true;
        assertEquals(RagbackException.Kind.EXTERNAL, assertThrows(RagbackException.class, service::status).kind());
        assertEquals(RagbackException.Kind.EXTERNAL, assertThrows(RagbackException.class, () -> service.up(null, s -> { })).kind());
    }

    @Test
    void clearDirtySqlQuotesTheVersion() {
        assertEquals("DELETE FROM schema_migrations WHERE version = 'v1''x' AND dirty;", MigrationService.clearDirtySql("v1'x"));
    }
}
