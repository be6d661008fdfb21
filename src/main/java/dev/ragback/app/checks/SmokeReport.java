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
}
