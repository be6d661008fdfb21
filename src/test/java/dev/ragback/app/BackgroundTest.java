package dev.ragback.app;

import org.junit.jupiter.api.Test;

import java.util.List;
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

    @Test
    void mapKeepsTheOrderAndUsesSeveralThreads() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        List<Integer> squares = Background.map("square", List.of(1, 2, 3, 4, 5), 2, n -> {
            threads.add(Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread()));
            both.countDown();
            try {
                both.await(); // the first two items only finish when both run at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return n * n;
        });
        assertEquals(List.of(1, 4, 9, 16, 25), squares);
        assertEquals(2, threads.size());
    }

    @Test
    void anInterruptedMapStopsItsRunningItemsStartsNoOtherAndWaitsForTheirCleanUp() throws Exception {
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(2);
        java.util.Set<Integer> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<Integer> cleanedUp = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                Background.map("upload", List.of(1, 2, 3, 4), 2, n -> {
                    started.add(n);
                    running.countDown();
                    try {
                        Thread.sleep(60_000); // an upload to a node that does not answer
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        Background.uninterrupted(() -> cleanedUp.add(n));
                    }
                    return n;
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertTrue(running.await(10, java.util.concurrent.TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(10_000);
        assertTrue(!caller.isAlive(), "map returned promptly after the interrupt");
        RagbackException e = (RagbackException) thrown.get();
        assertEquals(RagbackException.Kind.INTERRUPTED, e.kind());
        assertEquals(java.util.Set.of(1, 2), started, "no item started after the interrupt");
        assertEquals(started, cleanedUp, "the running items' clean-up finished before map returned");
    }

    @Test
    void mapThrowsTheFirstFailureOfItsItems() {
        RagbackException failure = new RagbackException(RagbackException.Kind.EXTERNAL, "query refused");
        assertSame(failure, assertThrows(RagbackException.class, () -> Background.map("q", List.of(1, 2, 3), 3, n -> {
            if (n == 2) {
                throw failure;
            }
            return n;
        })));
    }
}
