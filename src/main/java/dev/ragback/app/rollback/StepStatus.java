package dev.ragback.app.rollback;

import java.util.Locale;

/** How far a rollback step got, as the journal's {@code rollback_step} events write it. */
public enum StepStatus {
    STARTED, SUCCEEDED, SKIPPED, FAILED;

    /** The journal's word: {@code succeeded}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
