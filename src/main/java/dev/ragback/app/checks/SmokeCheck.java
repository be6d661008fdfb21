package dev.ragback.app.checks;

import java.time.Duration;
import java.util.Locale;

/**
 * The outcome of one smoke check.
 *
 * @param name     e.g. {@code postgres}, {@code http:api}
 * @param status   pass, fail or skip
 * @param detail   one line: what was found, or why it failed or was skipped
 * @param warning  something to print although the check passed, or {@code null}
 * @param duration how long the check took
 * @param unreachable true when the check could not run because what it checks could not be reached
 */
public record SmokeCheck(String name, Status status, String detail, String warning, Duration duration, boolean unreachable) {

    /** How a check ended; skip means it could not apply (nothing to compare with), not that it failed. */
    public enum Status {
        PASS, FAIL, SKIP;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
