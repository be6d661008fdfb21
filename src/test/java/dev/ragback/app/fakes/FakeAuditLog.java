package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** In-memory TaskDB for use-case tests; {@link #down} makes every call fail like an unreachable database. */
public final class FakeAuditLog implements AuditLog {
    public final List<Event> events = new ArrayList<>();
    public boolean down;

    private void reachable() {
        if (down) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "PostgreSQL at fake:5432/taskdb: cannot connect: refused");
        }
    }

    @Override
    public long record(String taskId, String eventType, Map<String, Object> metadata) {
        reachable();
        long id = events.size() + 1;
        events.add(new Event(id, taskId, eventType, new LinkedHashMap<>(metadata), Instant.now()));
        return id;
    }

    @Override
    public void recordAll(List<Entry> entries) {
        reachable();
        for (Entry entry : entries) {
            record(entry.taskId(), entry.eventType(), entry.metadata());
        }
    }

    @Override
    public List<Event> events(String taskId) {
        reachable();
        return events.stream().filter(e -> e.taskId().equals(taskId)).toList();
    }

    @Override
    public List<Event> latest(String eventType, int limit) {
        reachable();
        return events.stream().filter(e -> e.eventType().equals(eventType))
                .sorted(Comparator.comparingLong(Event::id).reversed()).limit(limit).toList();
    }

    /** The only event of this type; fails the test when there is not exactly one. */
    public Event only(String eventType) {
        List<Event> matching = events.stream().filter(e -> e.eventType().equals(eventType)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + eventType + " event, found " + matching);
        }
        return matching.get(0);
    }
}
