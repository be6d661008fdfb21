package dev.ragback.testing.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads {@code /proc/<pid>/cmdline} of a process and of all its descendants every few
 * milliseconds while it runs, keeping each distinct argv. A child that lives shorter than the
 * interval can be missed; anything that runs for a while is seen.
 */
public final class ArgvSampler implements AutoCloseable {

    /** One argv as seen; {@code root} is the sampled process itself (or a fork with its argv), otherwise a descendant. */
    public record Argv(long pid, boolean root, String cmdline) {
    }

    // kernels built without CONFIG_PROC_CHILDREN have no children file: asked once, not every round
    private static final boolean CHILDREN_LISTED = Files.exists(Path.of("/proc", String.valueOf(ProcessHandle.current().pid()),
            "task", String.valueOf(ProcessHandle.current().pid()), "children"));

    private final ProcessHandle process;
    private final Duration interval;
    private final Set<Argv> seen = new LinkedHashSet<>();
    private final Set<String> rootCmdlines = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopped;

    private ArgvSampler(ProcessHandle process, Duration interval) {
        this.process = process;
        this.interval = interval;
        this.thread = new Thread(this::loop, "argv-sampler-" + process.pid());
        thread.setDaemon(true);
        thread.start();
    }

    public static ArgvSampler start(ProcessHandle process, Duration interval) {
        return new ArgvSampler(process, interval);
    }

    private void loop() {
        while (!stopped && process.isAlive()) {
            sample();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        String rootCmdline = cmdline(process.pid());
        if (!rootCmdline.isEmpty()) {
            rootCmdlines.add(rootCmdline);
        }
        for (long pid : withDescendants(process)) {
            String cmdline = cmdline(pid);
            if (!cmdline.isEmpty()) {
                // a fork of the launcher script (a $(...) subshell) carries the script's own argv
                boolean root = pid == process.pid() || rootCmdlines.contains(cmdline);
                synchronized (seen) {
                    seen.add(new Argv(pid, root, cmdline));
                }
            }
        }
    }

    /**
     * The process and its descendants, walked down through each thread's {@code /proc/<pid>/task/<tid>/children}:
     * {@link ProcessHandle#descendants()} reads the status of every process on the machine, and at one round
     * every 20 ms that was a steady share of a test JVM's CPU.
     */
    private static List<Long> withDescendants(ProcessHandle process) {
        if (!CHILDREN_LISTED) {
            return Stream.concat(Stream.of(process), process.descendants()).map(ProcessHandle::pid).toList();
        }
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        for (int next = 0; next < pids.size(); next++) {
            for (Path task : listed(Path.of("/proc", String.valueOf(pids.get(next)), "task"))) {
                for (String child : read(task.resolve("children")).split(" ")) {
                    if (!child.isEmpty()) {
                        pids.add(Long.parseLong(child));
                    }
                }
            }
        }
        return pids;
    }

    // a process or thread that ends during the walk has nothing to list: its children show up next round
    private static List<Path> listed(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException | UncheckedIOException gone) {
            return List.of();
        }
    }

    // lenient decoding: an argv with bytes that are not UTF-8 is still scanned, not read as ""
    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** The argv of {@code pid}, arguments joined by spaces; empty when the process is gone. */
    public static String cmdline(long pid) {
        return read(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ').strip();
    }

    public List<Argv> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Stops sampling (after the loop's current round) and waits for the sampler thread. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(5_000);
    }
}
