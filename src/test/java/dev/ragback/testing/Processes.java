package dev.ragback.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Whether a process still runs (for tests that check nothing was left behind), what it printed so far, and signals to it. */
public final class Processes {
    private Processes() {
    }

    /**
     * True when {@code pid} exists and is not a zombie. Reads {@code /proc/<pid>/stat} where there
     * is a /proc (a killed process whose parent has not reaped it yet is dead, not running);
     * elsewhere asks {@link ProcessHandle}.
     */
    public static boolean running(long pid) {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "<pid> (<comm>) <state> ...": comm may hold spaces and parentheses, so look after the last ')'
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends signal {@code name} ({@code INT}, {@code STOP}, {@code CONT}...) with kill(1), which Java cannot; fails when kill does. */
    public static void signal(long pid, String name) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IOException("kill -" + name + " " + pid + " exited " + kill.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending " + name + " to " + pid, e);
        }
    }

    /** What a process started with {@code RagbackCli.start(io, ...)} has written to stdout so far; "" before anything. */
    public static String stdoutSoFar(Path io) {
        return soFar(io, "stdout");
    }

    /** The same for stderr. */
    public static String stderrSoFar(Path io) {
        return soFar(io, "stderr");
    }

    private static String soFar(Path io, String stream) {
        try {
            return Files.readString(io.resolve(stream));
        } catch (IOException e) {
            return "";
        }
    }
}
