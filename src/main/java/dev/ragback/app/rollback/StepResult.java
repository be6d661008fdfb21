package dev.ragback.app.rollback;

/** How a step ended when it did not throw: succeeded or skipped, with a detail line. */
record StepResult(StepStatus status, String detail) {
    static StepResult done(String detail) {
        return new StepResult(StepStatus.SUCCEEDED, detail);
    }

    static StepResult skipped(String detail) {
        return new StepResult(StepStatus.SKIPPED, detail);
    }
}
