package dev.ragback.app.history;

import dev.ragback.app.port.AuditLog.Event;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One rollback run read back from its events, oldest first (SPEC section 8). */
final class RollbackRun {
    static final String STARTED = "rollback_auto";
    static final String STEP = "rollback_step";
    static final String FINISHED = "rollback_finished";
    /**
     * A run without {@code rollback_finished} is {@code running} while its newest event is younger than this and
     * {@code incomplete} after: every step records an event when it starts and when it ends, and no step of a
     * healthy run stays silent this long.
     */
    static final Duration QUIET_LIMIT = Duration.ofHours(2);

    private final String runId;
    private final List<Event> events;

    RollbackRun(String runId, List<Event> events) {
        this.runId = runId;
        this.events = List.copyOf(events);
    }

    String runId() {
        return runId;
    }

    List<Event> events() {
        return events;
    }

    RunSummary summary(Instant now) {
        Map<String, Object> start = startMetadata();
        Event finish = finish();
        String outcome;
        String failedStep = null;
        Duration duration;
        if (finish != null) {
            outcome = Objects.requireNonNullElse(text(finish.metadata(), "outcome"), "unknown");
            failedStep = text(finish.metadata(), "failed_step");
            if (failedStep == null && !"succeeded".equals(outcome)) {
                failedStep = lastFailedStep();
            }
            Double seconds = number(finish.metadata().get("duration_s"));
            duration = seconds != null && seconds >= 0 ? Duration.ofMillis(Math.round(seconds * 1000)) : span();
        } else {
            Instant newest = newestTime();
            outcome = newest != null && Duration.between(newest, now).compareTo(QUIET_LIMIT) < 0
                    ? RunSummary.RUNNING : RunSummary.INCOMPLETE;
            duration = span();
        }
        return new RunSummary(runId, text(start, "reason"), startedAt(), duration, outcome, failedStep, lastStep(),
                Boolean.TRUE.equals(start.get("dry_run")) || "true".equals(text(start, "dry_run")),
                recorded("snapshot"), recorded("release"), text(start, "host"));
    }

    /** The start event's value, else the newest one any event recorded (a plan step may name the set it picked). */
    private String recorded(String key) {
        String value = text(startMetadata(), key);
        for (int i = events.size() - 1; value == null && i >= 0; i--) {
            value = text(events.get(i).metadata(), key);
        }
        return value;
    }

    Map<String, Object> startMetadata() {
        return events.stream().filter(e -> STARTED.equals(e.eventType())).findFirst().map(Event::metadata).orElse(Map.of());
    }

    Instant startedAt() {
        String timestamp = text(startMetadata(), "timestamp");
        if (timestamp != null) {
            try {
                return OffsetDateTime.parse(timestamp).toInstant();
            } catch (DateTimeParseException e) {
                // a hand-written timestamp; the run id still says when the run began
            }
        }
        Instant fromId = RunIds.startOf(runId);
        if (fromId != null) {
            return fromId;
        }
        return events.stream().map(Event::createdAt).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** The last {@code rollback_finished}, unless a later event shows the run was resumed after it. */
    private Event finish() {
        for (int i = events.size() - 1; i >= 0; i--) {
            Event event = events.get(i);
            if (FINISHED.equals(event.eventType())) {
                return event;
            }
            if (STEP.equals(event.eventType()) || STARTED.equals(event.eventType())) {
                return null;
            }
        }
        return null;
    }

    private String lastFailedStep() {
        for (int i = events.size() - 1; i >= 0; i--) {
            Event event = events.get(i);
            if (STEP.equals(event.eventType()) && "failed".equals(text(event.metadata(), "status"))) {
                return text(event.metadata(), "step");
            }
        }
        return null;
    }

    private String lastStep() {
        for (int i = events.size() - 1; i >= 0; i--) {
            Event event = events.get(i);
            if (STEP.equals(event.eventType()) && text(event.metadata(), "step") != null) {
                return text(event.metadata(), "step");
            }
        }
        return null;
    }

    private Duration span() {
        Instant first = events.stream().map(Event::createdAt).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
        Instant last = newestTime();
        return first == null ? null : Duration.between(first, last);
    }

    private Instant newestTime() {
        return events.stream().map(Event::createdAt).filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
    }

    /** A metadata value as text; {@code null} when missing, JSON null or blank. */
    static String text(Map<String, Object> metadata, String key) {
        Object value = metadata.get(key);
        if (value == null) {
            return null;
        }
        String text = value.toString();
        return text.isBlank() ? null : text;
    }

    /** A metadata value as a number; {@code null} when missing or not numeric. */
    static Double number(Object value) {
        double parsed;
        if (value instanceof Number number) {
            parsed = number.doubleValue();
        } else if (value instanceof String text) {
            try {
                parsed = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(parsed) ? parsed : null;
    }
}
