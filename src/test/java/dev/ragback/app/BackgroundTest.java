package dev.ragback.app;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundTest {
    @Test
    void runsOnItsOwnDaemonThreadAndGivesBackTheResult() {
        Thread caller = Thread.currentThread();
        CompletableFuture<Thread> ran = Background.start("probe-thread", Thread::currentThread);
        Thread worker = Background.join(ran);
        assertNotEquals(caller, worker);
        assertEquals("probe-thread", worker.getName());
        assertTrue(worker.isDaemon());
    }

    @Test
    void theWorksOwnExceptionComesBackUnwrapped() {
        RagbackException failure = new RagbackException(RagbackException.Kind.EXTERNAL, "database gone");
        CompletableFuture<Object> failed = Background.start("failing", () -> {
            throw failure;
        });
        assertSame(failure, assertThrows(RagbackException.class, () -> Background.join(failed)));
    }
}
