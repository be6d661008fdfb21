package dev.ragback.app.rollback;

import java.util.Locale;

/** How a rollback run ended, as {@code rollback_finished}, the metrics and Slack write it. */
public enum RunOutcome {
    SUCCEEDED, FAILED, BLOCKED, ABORTED;

    /** The journal's word: {@code blocked}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
