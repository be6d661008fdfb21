package dev.ragback.app.rollback;

import java.util.Locale;

/** The steps of {@code rollback auto}, in order; their names appear in output, journal and metrics. */
public enum Step {
    LOCK, PLAN, TRAFFIC_OFF, RESTORE, REVERT, SMOKE, EVAL, TRAFFIC_ON, REPORT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
