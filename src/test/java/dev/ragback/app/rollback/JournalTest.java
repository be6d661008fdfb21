package dev.ragback.app.rollback;

import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.port.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local journal: written while TaskDB is down, replayed once, whatever happens in between. */
class JournalTest {
    @TempDir
    Path dir;

    private final FakeAuditLog audit = new FakeAuditLog();

    private Journal journalWhileTaskDbIsDown(String runId, String... eventTypes) {
        audit.down = true;
        Journal journal = new Journal(audit, dir, runId, Clock.systemUTC());
        for (String type : eventTypes) {
            journal.record(type, Map.of("run", runId));
        }
        audit.down = false;
        return journal;
    }

    private List<String> stored(String runId) {
        return audit.events(runId).stream().map(AuditLog.Event::eventType).toList();
    }

    @Test
    void replayWritesTheEventsInOrderWithWhenTheyWereJournaledAndArchivesTheFile() {
        Journal journal = journalWhileTaskDbIsDown("rollback_1", "rollback_auto", "rollback_step", "rollback_finished");
        assertTrue(journal.local());

        assertEquals(List.of("rollback_1"), Journal.replayPending(audit, dir));
        assertEquals(List.of("rollback_auto", "rollback_step", "rollback_finished"), stored("rollback_1"));
        assertTrue(audit.events("rollback_1").stream().allMatch(e -> e.metadata().get("journaled_at") instanceof String));
        assertFalse(Files.exists(dir.resolve("rollback_1.jsonl")));
        assertTrue(Files.exists(dir.resolve("rollback_1.replayed")));
        assertEquals(List.of(), Journal.replayPending(audit, dir));
    }

    @Test
    void aFileLeftPendingAfterItsEventsReachedTaskDbIsNotReplayedTwice() throws Exception {
        journalWhileTaskDbIsDown("rollback_2", "rollback_auto", "rollback_finished");
        byte[] pending = Files.readAllBytes(dir.resolve("rollback_2.jsonl"));
        Journal.replayPending(audit, dir);
        Files.write(dir.resolve("rollback_2.jsonl"), pending); // a crash between TaskDB's commit and the rename

        assertEquals(List.of("rollback_2"), Journal.replayPending(audit, dir));
        assertEquals(List.of("rollback_auto", "rollback_finished"), stored("rollback_2"));
        assertFalse(Files.exists(dir.resolve("rollback_2.jsonl")));
        assertEquals(4, Files.readAllLines(dir.resolve("rollback_2.replayed")).size(), "both copies kept in the archive");
    }

    @Test
    void aSecondStretchOfTheSameRunIsReplayedBesideTheFirst() {
        journalWhileTaskDbIsDown("rollback_3", "rollback_auto", "rollback_step");
        Journal.replayPending(audit, dir);
        journalWhileTaskDbIsDown("rollback_3", "rollback_resumed", "rollback_finished");

        assertEquals(List.of("rollback_3"), Journal.replayPending(audit, dir));
        assertEquals(List.of("rollback_auto", "rollback_step", "rollback_resumed", "rollback_finished"), stored("rollback_3"));
    }

    @Test
    void taskDbFailingDuringTheReplayWritesNothingAndKeepsTheFilePending() {
        journalWhileTaskDbIsDown("rollback_4", "rollback_auto", "rollback_finished");
        audit.down = true;
        org.junit.jupiter.api.Assertions.assertThrows(dev.ragback.app.RagbackException.class, () -> Journal.replayPending(audit, dir));
        audit.down = false;
        assertEquals(List.of(), stored("rollback_4"));
        assertTrue(Files.exists(dir.resolve("rollback_4.jsonl")));
    }
}
