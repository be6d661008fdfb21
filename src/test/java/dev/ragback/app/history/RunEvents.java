package dev.ragback.app.history;

import dev.ragback.app.port.AuditLog.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes one rollback run's events the way SPEC section 8 describes them, with a clock that advances by each step's duration. */
final class RunEvents {
    static final List<String> STEPS = List.of("lock", "plan", "traffic_off", "restore", "revert", "smoke", "eval", "traffic_on", "report");

    private final List<Event> sink;
    private final String runId;
    private final Instant start;
    private Instant at;

    private RunEvents(List<Event> sink, String runId) {
        this.sink = sink;
        this.runId = runId;
        this.start = RunIds.startOf(runId);
        this.at = start;
    }

    static RunEvents run(List<Event> sink, String runId) {
        return new RunEvents(sink, runId);
    }

    RunEvents started(String reason, String snapshot, String release, boolean dryRun) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("reason", reason);
        metadata.put("timestamp", start.toString());
        metadata.put("snapshot", snapshot);
        metadata.put("release", release);
        metadata.put("host", "ops-1");
        metadata.put("dry_run", dryRun);
        return event("rollback_auto", metadata);
    }

    /** A step that started and then ended with {@code status} after {@code millis}. */
    RunEvents step(String step, String status, long millis, Object detail) {
        event("rollback_step", stepMetadata(step, "started", null, null));
        at = at.plusMillis(millis);
        return event("rollback_step", stepMetadata(step, status, millis, detail));
    }

    /** Every step from the first through {@code last}, all succeeded, one second each. */
    RunEvents stepsThrough(String last) {
        for (String step : STEPS.subList(0, STEPS.indexOf(last) + 1)) {
            step(step, "succeeded", 1000, step + " ok");
        }
        return this;
    }

    /** Every step from {@code first} through report, all succeeded, one second each (a resumed run). */
    RunEvents stepsThroughFrom(String first) {
        for (String step : STEPS.subList(STEPS.indexOf(first), STEPS.size())) {
            step(step, "succeeded", 1000, step + " ok");
        }
        return this;
    }

    RunEvents startedOnly(String step) {
        return event("rollback_step", stepMetadata(step, "started", null, null));
    }

    RunEvents finished(String outcome, String failedStep) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("outcome", outcome);
        metadata.put("failed_step", failedStep);
        metadata.put("duration_s", Duration.between(start, at).toMillis() / 1000.0);
        return event("rollback_finished", metadata);
    }

    RunEvents wait(Duration pause) {
        at = at.plus(pause);
        return this;
    }

    RunEvents event(String type, Map<String, Object> metadata) {
        sink.add(new Event(sink.size() + 1, runId, type, metadata, at));
        return this;
    }

    Instant now() {
        return at;
    }

    private static Map<String, Object> stepMetadata(String step, String status, Long millis, Object detail) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("step", step);
        metadata.put("status", status);
        metadata.put("duration_ms", millis);
        metadata.put("detail", detail);
        return metadata;
    }
}
