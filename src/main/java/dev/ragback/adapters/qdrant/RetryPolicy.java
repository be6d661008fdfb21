package dev.ragback.adapters.qdrant;

import java.time.Duration;

/** How often an idempotent call is tried, and how long to wait before the second try (doubling after). */
record RetryPolicy(int attempts, Duration firstBackoff) {
    static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(200));

    RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (firstBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative");
        }
    }
}
