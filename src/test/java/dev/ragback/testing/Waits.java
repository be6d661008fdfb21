package dev.ragback.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition that another process makes true, in tests that cannot be told. */
public final class Waits {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 25;

    private Waits() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after a minute. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + LIMIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
