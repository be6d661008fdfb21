package dev.ragback.adapters.eval;

import org.slf4j.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Copies a child's stderr into the log line by line as it comes, and keeps its last lines for messages. */
final class StderrPump {
    private static final int MAX_LINE = 300;

    private final Deque<String> tail = new ArrayDeque<>();
    private final int keep;
    private final Thread thread;

    private StderrPump(InputStream stderr, Logger log, String label, int keep) {
        this.keep = keep;
        this.thread = new Thread(() -> pump(stderr, log, label), "eval-stderr");
        // a grandchild that escaped the kill may hold the pipe open: never let it keep the JVM alive
        thread.setDaemon(true);
    }

    static StderrPump start(InputStream stderr, Logger log, String label, int keep) {
        StderrPump pump = new StderrPump(stderr, log, label, keep);
        pump.thread.start();
        return pump;
    }

    /** Waits at most {@code limit} for the stream to end. */
    void await(Duration limit) throws InterruptedException {
        thread.join(Math.max(1, limit.toMillis()));
    }

    /** The last lines read so far, oldest first. */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    private void pump(InputStream stderr, Logger log, String label) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.info("{}: {}", label, line);
                remember(line);
            }
        } catch (IOException e) {
            log.debug("{}: stderr closed: {}", label, e.getMessage());
        }
    }

    private synchronized void remember(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        tail.addLast(trimmed.length() > MAX_LINE ? trimmed.substring(0, MAX_LINE) + "…" : trimmed);
        while (tail.size() > keep) {
            tail.removeFirst();
        }
    }
}
