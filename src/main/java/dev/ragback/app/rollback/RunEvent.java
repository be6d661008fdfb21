package dev.ragback.app.rollback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event a rollback run journals in TaskDB {@code task_events}: its type and its metadata, whose
 * keys (snake_case, in this order) are what history, the postmortem and SPEC read.
 */
sealed interface RunEvent {

    String type();

    Map<String, Object> metadata();

    /** {@code rollback_auto}: the run's start, written once the plan names the set and the release. */
    record Started(String reason, String timestamp, String snapshot, String release, String host, boolean dryRun,
                   boolean restoreTraffic, boolean force) implements RunEvent {
        public String type() {
            return "rollback_auto";
        }

        public Map<String, Object> metadata() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("reason", reason);
            out.put("timestamp", timestamp);
            out.put("snapshot", snapshot);
            out.put("release", release);
            out.put("host", host);
            out.put("dry_run", dryRun);
            out.put("restore_traffic", restoreTraffic);
            out.put("force", force);
            return out;
        }
    }

    /** {@code rollback_step}: a step started, succeeded, was skipped or failed. */
    record StepChanged(Step step, StepStatus status, long durationMillis, String detail) implements RunEvent {
        public String type() {
            return "rollback_step";
        }

        public Map<String, Object> metadata() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("step", step.label());
            out.put("status", status.word());
            out.put("duration_ms", durationMillis);
            out.put("detail", detail);
            return out;
        }
    }

    /** {@code rollback_finished}; {@code promptWaitSeconds} null: not recorded (the postmortem's own copy). */
    record Finished(String outcome, String failedStep, double durationSeconds, Double promptWaitSeconds) implements RunEvent {
        public String type() {
            return "rollback_finished";
        }

        public Map<String, Object> metadata() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("outcome", outcome);
            out.put("failed_step", failedStep);
            out.put("duration_s", durationSeconds);
            if (promptWaitSeconds != null) {
                out.put("prompt_wait_s", promptWaitSeconds);
            }
            return out;
        }
    }

    /** {@code rollback_forced}: {@code --force} went past an INCOMPATIBLE matrix line. */
    record Forced(String triple, int line) implements RunEvent {
        public String type() {
            return "rollback_forced";
        }

        public Map<String, Object> metadata() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("triple", triple);
            out.put("status", "INCOMPATIBLE");
            out.put("line", line);
            return out;
        }
    }

    /** {@code restore_committed} of a resumed run whose earlier attempt committed the restore. */
    record RestoreCommittedEarlier(String snapshotId, String collection) implements RunEvent {
        public String type() {
            return "restore_committed";
        }

        public Map<String, Object> metadata() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("snapshot_id", snapshotId);
            out.put("collection", collection);
            out.put("resumed", true);
            return out;
        }
    }
}
