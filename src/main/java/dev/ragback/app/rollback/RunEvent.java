package dev.ragback.app.rollback;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An event a rollback run journals in TaskDB {@code task_events}: its type and its metadata, whose
 * keys (snake_case, in this order) are what history, the postmortem and SPEC read.
 */
sealed interface RunEvent {

    String type();

    /**
     * The record's components in declaration order: names in snake_case ({@code …Millis} → {@code …_ms},
     * {@code …Seconds} → {@code …_s}), steps and statuses as their words, a null {@code …Seconds} left out.
     */
    default Map<String, Object> metadata() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent component : getClass().getRecordComponents()) {
            Object value = valueOf(component);
            if (value == null && component.getName().endsWith("Seconds")) {
                continue;
            }
            out.put(key(component.getName()), value instanceof Step step ? step.label()
                    : value instanceof StepStatus status ? status.word() : value);
        }
        return out;
    }

    private Object valueOf(RecordComponent component) {
        try {
            return component.getAccessor().invoke(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + type(), e);
        }
    }

    private static String key(String component) {
        String unit = component.replaceFirst("Millis$", "Ms").replaceFirst("Seconds$", "S");
        return unit.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    /** {@code rollback_auto}: the run's start, written once the plan names the set and the release. */
    record Started(String reason, String timestamp, String snapshot, String release, String host, boolean dryRun,
                   boolean restoreTraffic, boolean force) implements RunEvent {
        public String type() {
            return "rollback_auto";
        }
    }

    /** {@code rollback_step}: a step started, succeeded, was skipped or failed. */
    record StepChanged(Step step, StepStatus status, long durationMillis, String detail) implements RunEvent {
        public String type() {
            return "rollback_step";
        }
    }

    /** {@code rollback_finished}; {@code promptWaitSeconds} null: not recorded (the postmortem's own copy). */
    record Finished(String outcome, String failedStep, double durationSeconds, Double promptWaitSeconds) implements RunEvent {
        public String type() {
            return "rollback_finished";
        }
    }

    /** {@code rollback_forced}: {@code --force} went past an INCOMPATIBLE matrix line. */
    record Forced(String triple, String status, int line) implements RunEvent {
        Forced(String triple, int line) {
            this(triple, "INCOMPATIBLE", line);
        }

        public String type() {
            return "rollback_forced";
        }
    }

    /** {@code restore_committed} of a resumed run whose earlier attempt committed the restore. */
    record RestoreCommittedEarlier(String snapshotId, String collection, boolean resumed) implements RunEvent {
        RestoreCommittedEarlier(String snapshotId, String collection) {
            this(snapshotId, collection, true);
        }

        public String type() {
            return "restore_committed";
        }
    }
}
