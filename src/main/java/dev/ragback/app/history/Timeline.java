package dev.ragback.app.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ragback.app.Durations;
import dev.ragback.app.port.AuditLog.Event;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A run's events as a Markdown table, one row per event in the given order. */
final class Timeline {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int MAX_DETAIL = 300;
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final List<String> START_KEYS = List.of("reason", "snapshot", "release", "host", "dry_run");

    private Timeline() {
    }

    static String markdown(List<Event> events) {
        StringBuilder table = new StringBuilder();
        table.append("| time (UTC) | event | step | status | duration | detail |\n");
        table.append("|---|---|---|---|---|---|\n");
        for (Event event : events) {
            List<String> cells = row(event);
            table.append('|');
            for (String cell : cells) {
                table.append(' ').append(cell(cell)).append(" |");
            }
            table.append('\n');
        }
        return table.toString();
    }

    private static List<String> row(Event event) {
        Map<String, Object> metadata = event.metadata();
        String time = event.createdAt() == null ? null : TIME.format(event.createdAt());
        return switch (event.eventType()) {
            case RollbackRun.STARTED -> List.of(or(time), event.eventType(), "-", "started", "-",
                    detail(metadata, Set.of("timestamp")));
            case RollbackRun.STEP -> List.of(or(time), event.eventType(), or(RollbackRun.text(metadata, "step")),
                    or(RollbackRun.text(metadata, "status")), duration(RollbackRun.number(metadata.get("duration_ms")), 1),
                    detail(metadata, Set.of("step", "status", "duration_ms")));
            case RollbackRun.FINISHED -> List.of(or(time), event.eventType(), or(RollbackRun.text(metadata, "failed_step")),
                    or(RollbackRun.text(metadata, "outcome")), duration(RollbackRun.number(metadata.get("duration_s")), 1000),
                    detail(metadata, Set.of("outcome", "failed_step", "duration_s")));
            default -> List.of(or(time), event.eventType(), "-", "-", "-", detail(metadata, Set.of()));
        };
    }

    private static String duration(Double amount, int millisPerUnit) {
        return amount == null || amount < 0 ? "-" : Durations.human(Duration.ofMillis(Math.round(amount * millisPerUnit)));
    }

    /**
     * The {@code detail} value first, then every metadata entry not shown in another column as key=value: the start
     * event's keys in SPEC order, the others by name (jsonb does not keep the order they were written in).
     */
    private static String detail(Map<String, Object> metadata, Set<String> shown) {
        List<String> parts = new ArrayList<>();
        Object detail = metadata.get("detail");
        if (detail != null) {
            parts.add(value(detail));
        }
        Map<String, Object> rest = new TreeMap<>(metadata);
        rest.keySet().removeAll(shown);
        rest.remove("detail");
        for (String key : START_KEYS) {
            if (rest.containsKey(key)) {
                parts.add(key + "=" + value(rest.remove(key)));
            }
        }
        rest.forEach((key, value) -> parts.add(key + "=" + value(value)));
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    private static String value(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return value.toString();
            }
        }
        return String.valueOf(value);
    }

    private static String or(String text) {
        return text == null ? "-" : text;
    }

    /** One table cell: a single line, pipes escaped, control characters dropped, cut to a readable length. */
    static String cell(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '|') {
                out.append("\\|");
            } else if (c == '\n' || c == '\r' || c == '\t') {
                out.append(' ');
            } else if (!Character.isISOControl(c)) {
                out.append(c);
            }
        }
        String line = out.toString().strip();
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }
}
