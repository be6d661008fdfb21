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
        return new RollbackStep() {
            @Override
            public Step name() {
                return name;
            }

            @Override
            public StepResult run(RunState state) {
                return body.apply(state);
            }
        };
    }

    /** A step that {@link #repeatsOnResume()}: the lock and the plan. */
    static RollbackStep repeated(Step name, Function<RunState, StepResult> body) {
        return new RollbackStep() {
            @Override
            public Step name() {
                return name;
            }

            @Override
            public StepResult run(RunState state) {
                return body.apply(state);
            }

            @Override
            public boolean repeatsOnResume() {
                return true;
            }
        };
    }
}
