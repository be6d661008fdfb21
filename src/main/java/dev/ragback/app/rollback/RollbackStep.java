package dev.ragback.app.rollback;

import java.util.function.Function;

/**
 * One step of {@code rollback auto}. {@link RunState#runStep} journals it (started, then succeeded,
 * skipped or failed) and, on {@code --resume}, skips it when an earlier attempt finished it.
 */
interface RollbackStep {

    /** Its name in the output, the journal and the metrics; the enum's order is the run's. */
    Step name();

    /** Does the work; throws {@link dev.ragback.app.RagbackException} to fail the step (the kind picks the exit code). */
    StepResult run(RunState state);

    /** Runs again on {@code --resume} even when an earlier attempt finished it: it holds or decides this attempt's state. */
    default boolean repeatsOnResume() {
        return false;
    }

    static RollbackStep of(Step name, Function<RunState, StepResult> body) {
        return new Body(name, body, false);
    }

    /** A step that {@link #repeatsOnResume()}: the lock and the plan. */
    static RollbackStep repeated(Step name, Function<RunState, StepResult> body) {
        return new Body(name, body, true);
    }

    /** A step whose work is a function (a method of {@link RollbackSteps}, or a lambda). */
    record Body(Step name, Function<RunState, StepResult> work, boolean repeatsOnResume) implements RollbackStep {
        @Override
        public StepResult run(RunState state) {
            return work.apply(state);
        }
    }
}
