package dev.ragback.app.rollback;

import java.time.Duration;

/** How a run shows itself while it works: the CLI prints steps and asks before the first change. */
public interface StepListener {

    void started(Step step);

    void finished(Step step, StepStatus status, Duration duration, String detail);

    /** The plan is known; nothing has changed yet. */
    void plan(RollbackPlan plan);

    /** Last chance to say no before traffic goes to 0; throws to refuse. */
    void confirm(RollbackPlan plan);

    /** A non-fatal problem (a notification that did not go out, TaskDB down, ...). */
    void warn(String message);
}
