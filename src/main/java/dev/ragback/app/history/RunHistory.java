package dev.ragback.app.history;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.AuditLog.Event;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lists rollback runs from their TaskDB events (or from events the caller read elsewhere, such as
 * the local journal). A run is a task id with a {@code rollback_auto} event.
 */
public final class RunHistory {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 1000;

    private final AuditLog audit;
    private final Clock clock;

    public RunHistory(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** The newest {@code limit} runs in TaskDB, newest first. */
    public List<RunSummary> list(int limit) {
        requireLimit(limit);
        Map<String, List<Event>> runs = new LinkedHashMap<>();
        for (String runId : newestRunIds(limit)) {
            runs.put(runId, audit.events(runId));
        }
        return summarize(runs, limit);
    }

    /** The newest {@code limit} runs found in {@code events} (any order of tasks, each task's events oldest first). */
    public List<RunSummary> list(List<Event> events, int limit) {
        requireLimit(limit);
        Map<String, List<Event>> byTask = new LinkedHashMap<>();
        for (Event event : events) {
            byTask.computeIfAbsent(event.taskId(), id -> new ArrayList<>()).add(event);
        }
        byTask.values().removeIf(taskEvents -> taskEvents.stream().noneMatch(e -> RollbackRun.STARTED.equals(e.eventType())));
        return summarize(byTask, limit);
    }

    /** The summary of one run from its events, oldest first; for {@code rollback auto}'s report. */
    public RunSummary summary(String runId, List<Event> events) {
        return new RollbackRun(runId, events).summary(clock.instant());
    }

    public static int requireLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw RagbackException.usage("--limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        return limit;
    }

    /** Distinct task ids of the newest rollback_auto events; a resumed run may have written more than one. */
    private Set<String> newestRunIds(int limit) {
        Set<String> ids = new LinkedHashSet<>();
        int fetch = limit;
        while (true) {
            List<Event> starts = audit.latest(RollbackRun.STARTED, fetch);
            ids.clear();
            for (Event start : starts) {
                if (ids.size() < limit) {
                    ids.add(start.taskId());
                }
            }
            if (ids.size() >= limit || starts.size() < fetch || fetch >= MAX_LIMIT * 4) {
                return ids;
            }
            fetch *= 2;
        }
    }

    private List<RunSummary> summarize(Map<String, List<Event>> runs, int limit) {
        Instant now = clock.instant();
        return runs.entrySet().stream()
                .map(run -> new RollbackRun(run.getKey(), run.getValue()).summary(now))
                .sorted(Comparator.comparing(RunSummary::startedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(RunSummary::runId, Comparator.reverseOrder()))
                .limit(limit)
                .toList();
    }
}
