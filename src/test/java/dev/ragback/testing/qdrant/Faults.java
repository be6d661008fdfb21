package dev.ragback.testing.qdrant;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Run-time switches that make the double misbehave; safe to flip from any thread. */
final class Faults {
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger dropsLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean ready = true;

    void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    void dropNext(int count) {
        dropsLeft.set(count);
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    void ready(boolean ready) {
        this.ready = ready;
    }

    boolean ready() {
        return ready;
    }

    Duration delay() {
        return delay;
    }

    /** The status to fail this request with, or 0 to answer normally. */
    int takeFailure() {
        return takeOne(failuresLeft) ? failureStatus : 0;
    }

    boolean takeDrop() {
        return takeOne(dropsLeft);
    }

    void reset() {
        failuresLeft.set(0);
        dropsLeft.set(0);
        delay = Duration.ZERO;
        ready = true;
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
