package dev.ragback.app.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The TaskDB audit trail ({@code task_events}). Calls fail with a
 * {@link dev.ragback.app.RagbackException} of kind EXTERNAL when TaskDB cannot be reached.
 */
public interface AuditLog {

    /**
     * One stored event.
     *
     * @param id        TaskDB's id, increasing in insertion order
     * @param taskId    e.g. {@code rollback_1764300000} or {@code traffic}
     * @param eventType e.g. {@code traffic_set}, {@code release_green}, {@code rollback_step}
     * @param metadata  the event's JSON object, as plain maps, lists, strings, numbers and booleans
     * @param createdAt when TaskDB stored it
     */
    record Event(long id, String taskId, String eventType, Map<String, Object> metadata, Instant createdAt) {
    }

    /**
     * An event to append.
     *
     * @param taskId    e.g. {@code rollback_1764300000}
     * @param eventType e.g. {@code rollback_step}
     * @param metadata  the event's JSON object
     */
    record Entry(String taskId, String eventType, Map<String, Object> metadata) {
    }

    /** Appends one event (creating the table when it is missing) and returns its id. */
    long record(String taskId, String eventType, Map<String, Object> metadata);

    /** Appends these events in one transaction: all of them, in order, or none. */
    void recordAll(List<Entry> entries);

    /** The events of one task, oldest first. */
    List<Event> events(String taskId);

    /** The newest {@code limit} events of this type, newest first. */
    List<Event> latest(String eventType, int limit);
}
