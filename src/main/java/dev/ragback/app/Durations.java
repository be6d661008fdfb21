package dev.ragback.app;

import java.time.Duration;
import java.util.Locale;

/** Durations for people ({@link #human}) and as the config file takes them ({@link #format}). */
public final class Durations {
    private Durations() {
    }

    /** A configured value as the config file writes it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /**
     * Every duration a person reads (step lines, smoke checks, snapshot create, history, Slack): {@code 0.8 s},
     * {@code 12.3 s}, {@code 4m 05s}, {@code 2h 03m}. JSON keeps numeric {@code *_ms} fields instead.
     */
    public static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
