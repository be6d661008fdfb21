package dev.ragback.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/** A piece of work on its own daemon thread, joined later with its own exception. */
public final class Background {
    private Background() {
    }

    public static <T> CompletableFuture<T> start(String threadName, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            thread.start();
        });
    }

    /**
     * Runs clean-up work with this thread's interrupt flag cleared (Ctrl-C must not stop the
     * clean-up it caused), then sets the flag again if it was set.
     */
    public static <T> T uninterrupted(Supplier<T> work) {
        boolean interrupted = Thread.interrupted();
        try {
            return work.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The result, or the {@link RuntimeException} the work threw, unwrapped. */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * {@code work} applied to every item on up to {@code threads} daemon threads, results in the items' order.
     * The first failure is thrown once all have stopped. An interrupt (Ctrl-C) interrupts the items running, starts no
     * other, waits until the running ones have stopped (their clean-up included) and throws an INTERRUPTED failure.
     */
    public static <T, R> List<R> map(String threadName, List<T> items, int threads, Function<T, R> work) {
        if (items.size() <= 1 || threads <= 1) {
            return items.stream().map(work).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<R>> futures = items.stream()
                    .map(item -> CompletableFuture.supplyAsync(() -> work.apply(item), pool)).toList();
            try {
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get();
            } catch (InterruptedException e) {
                pool.shutdownNow();
                awaitStopped(pool);
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted: " + threadName + " stopped");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // cannot happen: every failure was turned into null above
            }
            List<R> results = new ArrayList<>();
            for (CompletableFuture<R> future : futures) {
                results.add(join(future));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitStopped(ExecutorService pool) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    pool.awaitTermination(2, TimeUnit.MINUTES);
                    return;
                } catch (InterruptedException again) {
                    interrupted = true; // a second Ctrl-C: the clean-up still has to finish
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
