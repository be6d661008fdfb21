package dev.ragback.app.checks;

import java.util.List;

/**
 * Every smoke check, in the order they are listed.
 *
 * @param checks the checks
 */
public record SmokeReport(List<SmokeCheck> checks) {

    public boolean passed() {
        return checks.stream().noneMatch(SmokeCheck::failed);
    }

    public List<SmokeCheck> failures() {
        return checks.stream().filter(SmokeCheck::failed).toList();
    }

    /** How failed checks fail a run: cannot reach is a runtime failure (exit 1), a check that ran and failed a gate (3). */
    public static dev.ragback.app.RagbackException.Kind failureKind(List<SmokeCheck> failures) {
        return failures.stream().anyMatch(SmokeCheck::unreachable) ? dev.ragback.app.RagbackException.Kind.EXTERNAL
                : dev.ragback.app.RagbackException.Kind.GATE;
    }
}
