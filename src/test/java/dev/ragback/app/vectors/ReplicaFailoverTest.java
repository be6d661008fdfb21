package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ShardLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReplicaFailoverTest {
    private static final List<ShardLayout.Replica> THREE = List.of(new ShardLayout.Replica(1, "Active", 5L),
            new ShardLayout.Replica(2, "Active", 5L), new ShardLayout.Replica(3, "Active", 5L));

    @Test
    void anOutsideFailureMovesToTheNextReplica() {
        List<Long> tried = new ArrayList<>();
        long answer = ReplicaFailover.first(THREE, "upload", r -> {
            tried.add(r.peer());
            if (r.peer() == 1) {
                throw RagbackException.external("peer 1 down", null, null);
            }
            return r.peer();
        }, last -> last);
        assertEquals(2L, answer);
        assertEquals(List.of(1L, 2L), tried);
    }

    @Test
    void anyOtherFailureEndsItAtOnce() {
        List<Long> tried = new ArrayList<>();
        RagbackException stop = new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted");
        assertSame(stop, assertThrows(RagbackException.class, () -> ReplicaFailover.first(THREE, "upload", r -> {
            tried.add(r.peer());
            throw stop;
        }, last -> last)));
        assertEquals(List.of(1L), tried);
    }

    @Test
    void whenEveryReplicaFailsTheLastFailureIsTurnedIntoTheOneThrown() {
        RagbackException thrown = assertThrows(RagbackException.class, () -> ReplicaFailover.first(THREE, "upload", r -> {
            throw RagbackException.external("peer " + r.peer() + " down", null, null);
        }, last -> RagbackException.external("no replica took it (" + last.getMessage() + ")", null, last)));
        assertEquals("no replica took it (peer 3 down)", thrown.getMessage());
        assertEquals(RagbackException.Kind.EXTERNAL, assertThrows(RagbackException.class,
                () -> ReplicaFailover.first(List.of(), "upload", r -> r, last -> last)).kind());
    }
}
