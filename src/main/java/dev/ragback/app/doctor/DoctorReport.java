package dev.ragback.app.doctor;

import java.util.List;

/** Every doctor check, in a fixed order. */
public record DoctorReport(List<CheckResult> checks) {

    public List<CheckResult> failures() {
        return checks.stream().filter(c -> c.status() == CheckResult.Status.FAIL).toList();
    }

    public boolean healthy() {
        return failures().isEmpty();
    }
}
