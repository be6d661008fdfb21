package dev.ragback.cli;

import dev.ragback.app.Progress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One status line on stderr, redrawn at most a few times a second. */
final class TerminalProgress implements Progress {
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final Map<String, String> parts = new TreeMap<>();
    private long lastDraw;
    private boolean closed;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void stage(String part, String what) {
        parts.put(part, what);
        draw(true);
    }

    @Override
    public synchronized void bytes(String part, long done) {
        parts.put(part, String.format(Locale.ROOT, "%.1f MiB", done / 1048576.0));
        draw(false);
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (closed || (!force && now - lastDraw < REDRAW_NANOS)) {
            return;
        }
        lastDraw = now;
        StringBuilder line = new StringBuilder("\r\u001b[K");
        parts.forEach((part, state) -> line.append(part).append(": ").append(state).append("   "));
        err.print(line);
        err.flush();
    }

    @Override
    public synchronized void done() {
        if (!closed) {
            err.print("\r\u001b[K");
            err.flush();
        }
        closed = true; // a transfer still running (Ctrl-C) must not draw over the lines that follow
    }
}
