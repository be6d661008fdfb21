package dev.ragback.app.traffic;

import dev.ragback.app.Names;
import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.TrafficSwitch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Reads and sets the share of traffic, and records every change in TaskDB. Traffic is the safety
 * action: a TaskDB that cannot record the change is a warning, never a reason not to change it.
 */
public final class TrafficService {
    /** Task id of changes made on their own, outside a rollback run. */
    public static final String TASK_ID = "traffic";
    public static final String EVENT = "traffic_set";

    private final TrafficSwitch traffic;
    private final AuditLog audit;
    private final Supplier<Operator> operator;

    /**
     * What {@code traffic status} shows.
     *
     * @param where   the switch, e.g. {@code file ops/state/traffic}
     * @param percent the current percentage, empty when the switch cannot be read back
     */
    public record Status(String where, OptionalInt percent) {
    }

    /**
     * One change that happened.
     *
     * @param where    the switch
     * @param before   the percentage before, or {@code null} when it could not be read
     * @param after    the percentage now
     * @param eventId  the TaskDB event id, or {@code null} when TaskDB did not record it
     * @param warnings what the user should know (unreadable old value, TaskDB down)
     */
    public record Change(String where, Integer before, int after, Long eventId, List<String> warnings) {
    }

    public TrafficService(TrafficSwitch traffic, AuditLog audit, Supplier<Operator> operator) {
        this.traffic = traffic;
        this.audit = audit;
        this.operator = operator;
    }

    /** A percentage as the user typed it: a whole number 0..100, otherwise a usage error. */
    public static int parsePercent(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.matches("[+-]?\\d{1,9}")) {
            return requirePercent(Integer.parseInt(trimmed));
        }
        throw badPercent("'" + Names.printable(text) + "'");
    }

    public static int requirePercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw badPercent(String.valueOf(percent));
        }
        return percent;
    }

    private static RagbackException badPercent(String value) {
        return new RagbackException(RagbackException.Kind.USAGE, "traffic percent must be a whole number from 0 to 100, not " + value,
                "ragback traffic set 0 (stop traffic) or ragback traffic set 100 (full traffic)");
    }

    /** The switch, for prompts and messages. */
    public String where() {
        return traffic.describe();
    }

    public Status status() {
        return new Status(traffic.describe(), traffic.percent());
    }

    /**
     * When users are being served (traffic read back above 0), one line saying so about {@code stores}
     * and how to stop it; empty when traffic is 0 or cannot be read back.
     */
    public java.util.Optional<String> serving(String stores) {
        OptionalInt percent;
        try {
            percent = traffic.percent();
        } catch (RagbackException e) {
            return java.util.Optional.empty();
        }
        if (percent.isEmpty() || percent.getAsInt() == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("traffic is at " + percent.getAsInt() + " % (" + traffic.describe() + "): users are being served from "
                + stores + "; stop it: make traffic:0 (or: ragback traffic set 0)");
    }

    /**
     * Sets the traffic to {@code percent} and records a {@code traffic_set} event under
     * {@code taskId} ({@link #TASK_ID} when {@code null}; a rollback passes its run id).
     */
    public Change set(int percent, String taskId) {
        requirePercent(percent);
        List<String> warnings = new ArrayList<>();
        Integer before = null;
        try {
            OptionalInt read = traffic.percent();
            before = read.isPresent() ? read.getAsInt() : null;
        } catch (RagbackException e) {
            warnings.add("cannot read the traffic before changing it (" + e.getMessage() + "); the event records old as unknown");
        }
        traffic.set(percent);
        Long eventId = null;
        try {
            eventId = audit.record(taskId == null ? TASK_ID : taskId, EVENT, metadata(before, percent));
        } catch (RagbackException e) {
            warnings.add("traffic is now " + percent + " %, but TaskDB did not record the " + EVENT + " event: "
                    + e.getMessage());
        }
        return new Change(traffic.describe(), before, percent, eventId, List.copyOf(warnings));
    }

    private Map<String, Object> metadata(Integer before, int after) {
        Operator who = operator.get();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("old", before);
        metadata.put("new", after);
        metadata.put("switch", traffic.describe());
        metadata.put("host", who.host());
        metadata.put("user", who.user());
        return metadata;
    }
}
