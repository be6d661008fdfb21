package dev.ragback.app.migrate;

import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeSchemaMigrator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ragback.app.migrate.MigrationServiceTest.V1_DOWN;
import static dev.ragback.app.migrate.MigrationServiceTest.V1_UP;
import static dev.ragback.app.migrate.MigrationServiceTest.V2_DOWN;
import static dev.ragback.app.migrate.MigrationServiceTest.V2_UP;
import static dev.ragback.app.migrate.MigrationServiceTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationVerifierTest {
    private static final String SCRATCH = "ragback_verify_0badcafe";

    @TempDir
    Path dir;

    private final FakeSchemaMigrator db = new FakeSchemaMigrator();
    private MigrationService service;

    @BeforeEach
    void migrations() throws IOException {
        write(dir, "v1.0.0", V1_UP, V1_DOWN);
        write(dir, "v1.1.0", V2_UP, V2_DOWN);
        service = new MigrationService(dir, db, () -> "0badcafe");
    }

    private void scratchIsGone() {
        assertEquals(List.of(SCRATCH), db.created);
        assertEquals(List.of(SCRATCH), db.dropped);
        assertTrue(db.scratches.isEmpty());
    }

    @Test
    void passesWhenEveryDownUndoesItsUpAndLeavesTheLiveDatabaseAlone() {
        List<String> seen = new ArrayList<>();
        MigrationVerifier.Report report = service.verify(trip -> seen.add(trip.version() + (trip.passed() ? " ok" : " failed")));
        assertTrue(report.passed(), report.toString());
        assertEquals(List.of("v1.0.0 ok", "v1.1.0 ok"), seen);
        assertEquals(SCRATCH, report.scratch());
        scratchIsGone();
        assertTrue(db.schema.isEmpty(), "nothing ran on the live database");
        assertTrue(db.rows.isEmpty());
    }

    @Test
    void aDownThatForgetsAnIndexFailsWithTheSchemaDiffAndStops() throws IOException {
        write(dir, "v1.0.0", "CREATE TABLE chunks;\nCREATE INDEX chunks_by_uri;", "DROP TABLE chunks;");
        MigrationVerifier.Report report = service.verify(trip -> { });
        assertFalse(report.passed());
        MigrationVerifier.RoundTrip failed = report.failedRoundTrip();
        assertEquals("v1.0.0", failed.version());
        assertTrue(failed.failure().contains("v1.0.0/down.sql does not undo"), failed.failure());
        assertEquals(List.of("--- schema before v1.0.0 up", "+++ schema after v1.0.0 up and down", "@@ -0,0 +1,1 @@",
                "+INDEX chunks_by_uri"), failed.diff());
        assertEquals(1, report.roundTrips().size(), "later versions are not tried");
        scratchIsGone();
    }

    @Test
    void anUpThatFailsOnTheScratchDatabaseNamesTheFileAndLine() throws IOException {
        write(dir, "v1.1.0", "CREATE TABLE runs;\nFAIL syntax error at or near \"TABEL\";", V2_DOWN);
        MigrationVerifier.Report report = service.verify(trip -> { });
        assertFalse(report.passed());
        String failure = report.failedRoundTrip().failure();
        assertTrue(failure.startsWith(dir.resolve("v1.1.0/up.sql") + " line 2 failed: ERROR: syntax error"), failure);
        scratchIsGone();
    }

    @Test
    void anAppliedUpSqlThatChangedIsAMismatchNamingTheVersion() throws IOException {
        service.up(null, s -> { });
        write(dir, "v1.0.0", V1_UP + "-- edited\n", V1_DOWN);
        MigrationVerifier.Report report = service.verify(trip -> { });
        assertFalse(report.passed());
        assertEquals(List.of("v1.0.0"), report.mismatches().stream().map(MigrationVerifier.Mismatch::version).toList());
        assertNull(report.failedRoundTrip(), "the round trip itself passed");
    }

    @Test
    void theScratchDatabaseIsDroppedWhenTheRoundTripBreaksOff() {
        db.scratchDumpFails = true;
        RagbackException failure = assertThrows(RagbackException.class, () -> service.verify(trip -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        scratchIsGone();
    }

    @Test
    void malformedDirectoryIsExit2BeforeAnyScratchDatabase() throws IOException {
        write(dir, "v1.2.0", "CREATE TABLE x;", "   \n-- nothing\n");
        RagbackException failure = assertThrows(RagbackException.class, () -> service.verify(trip -> { }));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertTrue(failure.getMessage().contains(dir.resolve("v1.2.0/down.sql").toString()), failure.getMessage());
        assertTrue(db.created.isEmpty());
    }
}
