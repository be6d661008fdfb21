package dev.ragback.adapters.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a transfer stream so that a peer silent for longer than the idle limit ends the transfer,
 * while a slow but moving transfer may take as long as it needs (no total timeout).
 */
final class IdleWatch extends InputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "qdrant-idle-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final InputStream in;
    private final Duration limit;
    private final Thread reader = Thread.currentThread();
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean fired;

    IdleWatch(InputStream in, Duration limit) {
        this.in = in;
        this.limit = limit;
        long period = Math.max(50, Math.min(1000, limit.toMillis() / 4));
        this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (!fired && System.nanoTime() - lastProgress > limit.toNanos()) {
            fired = true;
            reader.interrupt();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            int n = in.read(buffer, offset, length);
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw fired ? idle(e) : e;
        }
    }

    private IOException idle(IOException cause) {
        Thread.interrupted(); // our own interrupt, not the user's: clear it
        IOException idle = new QdrantHttp.IdleTimeout("no data for " + dev.ragback.app.Durations.format(limit)
                + " during the transfer (qdrant.transfer_idle_timeout)");
        idle.initCause(cause);
        return idle;
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        if (fired) {
            Thread.interrupted();
        }
        in.close();
    }
}
