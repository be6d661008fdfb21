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

    /**
     * What an operator runs by hand to finish this step, and to undo it where that is possible (e.g.
     * {@code ragback traffic set 0 (undo: ragback traffic set 40)}); {@code null} for a step that changes nothing.
     * A run that fails or is interrupted at this step names it in its last line, beside {@code --resume}.
     */
    String undoHint(RunState state);

    /** Runs again on {@code --resume} even when an earlier attempt finished it: it holds or decides this attempt's state. */
    default boolean repeatsOnResume() {
        return false;
    }

    static RollbackStep of(Step name, Function<RunState, StepResult> body, Function<RunState, String> undoHint) {
        return new Body(name, body, undoHint, false);
    }

    /** A step that {@link #repeatsOnResume()} and changes nothing outside: the lock and the plan. */
    static RollbackStep repeated(Step name, Function<RunState, StepResult> body) {
        return new Body(name, body, state -> null, true);
    }

    /** A step whose work and hint are functions (methods of {@link RollbackSteps}, or lambdas). */
    record Body(Step name, Function<RunState, StepResult> work, Function<RunState, String> hint, boolean repeatsOnResume)
            implements RollbackStep {
        @Override
        public StepResult run(RunState state) {
            return work.apply(state);
        }

        @Override
        public String undoHint(RunState state) {
            return hint.apply(state);
        }
    }
}
