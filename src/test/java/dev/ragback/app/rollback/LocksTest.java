package dev.ragback.app.rollback;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** TaskDB's lock and the local lock file together: neither alone lets a second run in. */
class LocksTest {
    private static final RunLock.Holder ME = new RunLock.Holder("rollback_2", "host", 2, Instant.EPOCH);
    private static final RunLock.Holder STALE = new RunLock.Holder("rollback_0", "host", 0, Instant.EPOCH);

    private final List<String> log = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private RunLock granting(String name, RunLock.Holder broken) {
        return (me, breakStale) -> {
            log.add("take " + name);
            return new RunLock.Lease() {
                @Override
                public RunLock.Holder broken() {
                    return broken;
                }

                @Override
                public void close() {
                    log.add("release " + name);
                }
            };
        };
    }

    private RunLock failing(String name, RagbackException.Kind kind) {
        return (me, breakStale) -> {
            log.add("refused " + name);
            throw new RagbackException(kind, name + ": " + kind);
        };
    }

    @Test
    void bothAreTakenAndTheFileIsReleasedBeforeTaskDb() {
        RunLock.Lease lease = Locks.acquire(granting("taskdb", null), granting("file", null), ME, false, warnings::add);
        lease.close();
        assertEquals(List.of("take taskdb", "take file", "release file", "release taskdb"), log);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aRunHoldingOnlyTheFileSinceTaskDbWasDownKeepsTheNextRunOut() {
        RagbackException e = assertThrows(RagbackException.class, () -> Locks.acquire(granting("taskdb", null),
                failing("file", RagbackException.Kind.LOCKED), ME, false, warnings::add));
        assertEquals(RagbackException.Kind.LOCKED, e.kind());
        assertEquals(List.of("take taskdb", "refused file", "release taskdb"), log);
    }

    @Test
    void taskDbDownMeansTheFileAlone() {
        Locks.acquire(failing("taskdb", RagbackException.Kind.EXTERNAL), granting("file", null), ME, false, warnings::add).close();
        assertEquals(List.of("refused taskdb", "take file", "release file"), log);
        assertEquals(1, warnings.size());
    }

    @Test
    void aFileThatCannotBeWrittenLeavesTaskDbsLockAloneWithAWarning() {
        Locks.acquire(granting("taskdb", null), failing("file", RagbackException.Kind.EXTERNAL), ME, false, warnings::add).close();
        assertEquals(List.of("take taskdb", "refused file", "release taskdb"), log);
        assertEquals(1, warnings.size());
    }

    @Test
    void aBrokenStaleLeaseIsReportedFromEitherLock() {
        assertEquals(STALE, Locks.acquire(granting("taskdb", null), granting("file", STALE), ME, true, warnings::add).broken());
        assertEquals(STALE, Locks.acquire(granting("taskdb", STALE), granting("file", null), ME, true, warnings::add).broken());
    }
}
