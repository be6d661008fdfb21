package dev.ragback.testing.qdrant;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Run-time switches that make the double misbehave; safe to flip from any thread. */
final class Faults {
    /** How the next snapshot download misbehaves. */
    enum Download { NORMAL, TRUNCATE, DROP, STALL }

    /** How the next snapshot upload misbehaves once its body is read. */
    enum Upload { NORMAL, FAIL, CUT, CUT_AFTER_RECOVERY }

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger dropsLeft = new AtomicInteger();
    private final AtomicInteger truncatedDownloadsLeft = new AtomicInteger();
    private final AtomicInteger droppedDownloadsLeft = new AtomicInteger();
    private final AtomicInteger stalledDownloadsLeft = new AtomicInteger();
    private final AtomicInteger wrongChecksumsLeft = new AtomicInteger();
    private final AtomicInteger failedUploadsLeft = new AtomicInteger();
    private final AtomicInteger cutUploadsLeft = new AtomicInteger();
    private final AtomicInteger failedAliasChangesLeft = new AtomicInteger();
    private final Gate uploadGate = new Gate();
    private final Gate aliasGate = new Gate();
    private final AtomicInteger scrambledRecoveriesLeft = new AtomicInteger();
    private volatile boolean recoverBeforeCut;
    private volatile int failureStatus = 500;
    private volatile Duration delay = Duration.ZERO;
    private volatile Duration stall = Duration.ZERO;
    private volatile int yellowReadsAfterRecovery;
    private volatile boolean ready = true;
    // not faults but the server's set-up: what GET / and GET /cluster report
    private volatile String version = QdrantRoutes.VERSION;
    private volatile int clusterPeers;
    private volatile boolean down;

    void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    void dropNext(int count) {
        dropsLeft.set(count);
    }

    void truncateDownloads(int count) {
        truncatedDownloadsLeft.set(count);
    }

    void dropDownloads(int count) {
        droppedDownloadsLeft.set(count);
    }

    void stallDownloads(int count, Duration pause) {
        stall = pause;
        stalledDownloadsLeft.set(count);
    }

    void wrongChecksums(int count) {
        wrongChecksumsLeft.set(count);
    }

    void failUploadsAfterBody(int count) {
        failedUploadsLeft.set(count);
    }

    void cutUploadsAfterBody(int count, boolean recover) {
        recoverBeforeCut = recover;
        cutUploadsLeft.set(count);
    }

    /** The next {@code count} alias batches that change something answer 500 (an empty batch, a permission check, does not count). */
    void failAliasChanges(int count) {
        failedAliasChangesLeft.set(count);
    }

    boolean aliasChangesFail() {
        return failedAliasChangesLeft.get() > 0;
    }

    boolean takeAliasChangeFailure() {
        return takeOne(failedAliasChangesLeft);
    }

    /** Requests that wait until released: uploads (a slow network), alias changes (a hung server). */
    static final class Gate {
        private volatile java.util.concurrent.CountDownLatch latch;
        private final AtomicInteger waiting = new AtomicInteger();

        void hold() {
            latch = new java.util.concurrent.CountDownLatch(1);
        }

        boolean held() {
            return latch != null;
        }

        void release() {
            java.util.concurrent.CountDownLatch gate = latch;
            latch = null;
            if (gate != null) {
                gate.countDown();
            }
        }

        /** Waits while held, at most 2 minutes; false when interrupted. */
        boolean await() {
            java.util.concurrent.CountDownLatch gate = latch;
            if (gate == null) {
                return true;
            }
            waiting.incrementAndGet();
            try {
                return gate.await(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                waiting.decrementAndGet();
            }
        }

        int waiting() {
            return waiting.get();
        }
    }

    /** Snapshot uploads wait before their body is read (a slow network: Qdrant has nothing yet) until released. */
    Gate uploads() {
        return uploadGate;
    }

    /** Alias batches that change something wait until released, then answer 503 having changed nothing (a hung server). */
    Gate aliasChanges() {
        return aliasGate;
    }

    void scrambleRecoveries(int count) {
        scrambledRecoveriesLeft.set(count);
    }

    boolean takeScrambledRecovery() {
        return takeOne(scrambledRecoveriesLeft);
    }

    void yellowAfterRecovery(int statusReads) {
        yellowReadsAfterRecovery = statusReads;
    }

    int yellowReadsAfterRecovery() {
        return yellowReadsAfterRecovery;
    }

    Duration stall() {
        return stall;
    }

    Download takeDownload() {
        if (takeOne(truncatedDownloadsLeft)) {
            return Download.TRUNCATE;
        }
        if (takeOne(droppedDownloadsLeft)) {
            return Download.DROP;
        }
        return takeOne(stalledDownloadsLeft) ? Download.STALL : Download.NORMAL;
    }

    boolean takeWrongChecksum() {
        return takeOne(wrongChecksumsLeft);
    }

    Upload takeUpload() {
        if (takeOne(failedUploadsLeft)) {
            return Upload.FAIL;
        }
        if (takeOne(cutUploadsLeft)) {
            return recoverBeforeCut ? Upload.CUT_AFTER_RECOVERY : Upload.CUT;
        }
        return Upload.NORMAL;
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    void ready(boolean ready) {
        this.ready = ready;
    }

    void version(String version) {
        this.version = version;
    }

    String version() {
        return version;
    }

    void clusterPeers(int peers) {
        clusterPeers = peers;
    }

    int clusterPeers() {
        return clusterPeers;
    }

    /** A node of a cluster that is down: every connection is closed without an answer. */
    void down(boolean down) {
        this.down = down;
    }

    boolean down() {
        return down;
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
        truncatedDownloadsLeft.set(0);
        droppedDownloadsLeft.set(0);
        stalledDownloadsLeft.set(0);
        wrongChecksumsLeft.set(0);
        failedUploadsLeft.set(0);
        cutUploadsLeft.set(0);
        failedAliasChangesLeft.set(0);
        scrambledRecoveriesLeft.set(0);
        uploadGate.release();
        aliasGate.release();
        yellowReadsAfterRecovery = 0;
        delay = Duration.ZERO;
        stall = Duration.ZERO;
        ready = true;
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
