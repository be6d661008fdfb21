package dev.ragback.app.rollback;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's events: into TaskDB while it answers; into {@code <dir>/<run>.jsonl} from the first
 * time it does not, so the run goes on, and replayed into TaskDB by the next run that reaches it.
 */
public final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = ".jsonl";
    private static final String REPLAYED = ".replayed";
    private static final String JOURNALED_AT = "journaled_at";

    private final AuditLog audit;
    private final Path dir;
    private final String runId;
    private final Clock clock;
    private volatile boolean local;

    public Journal(AuditLog audit, Path dir, String runId, Clock clock) {
        this.audit = audit;
        this.dir = dir;
        this.runId = runId;
        this.clock = clock;
    }

    public String runId() {
        return runId;
    }

    /** True once TaskDB failed and events go to the local file. */
    public boolean local() {
        return local;
    }

    public Path file() {
        return dir.resolve(runId + PENDING);
    }

    public synchronized void record(String eventType, Map<String, Object> metadata) {
        if (!local) {
            try {
                audit.record(runId, eventType, metadata);
                return;
            } catch (RagbackException e) {
                if (e.kind() != RagbackException.Kind.EXTERNAL) {
                    throw e;
                }
                LOG.warn("TaskDB unreachable ({}); journaling to {} and replaying it later", e.getMessage(), file());
                local = true;
            }
        }
        append(eventType, metadata);
    }

    private void append(String eventType, Map<String, Object> metadata) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("task_id", runId);
        line.put("event_type", eventType);
        line.put("metadata", metadata);
        line.put("created_at", clock.instant().toString());
        try {
            Files.createDirectories(dir);
            Files.writeString(file(), JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw RagbackException.external("cannot write the local journal " + file() + " (TaskDB is down too): "
                    + e.getMessage(), "free space in the backups dir or bring TaskDB back", e);
        }
    }

    /** This run's events, from TaskDB and from a local journal not yet replayed, oldest first. */
    public List<AuditLog.Event> events() {
        List<AuditLog.Event> events = new ArrayList<>();
        try {
            events.addAll(audit.events(runId));
        } catch (RagbackException e) {
            if (e.kind() != RagbackException.Kind.EXTERNAL) {
                throw e;
            }
            LOG.warn("TaskDB unreachable ({}); reading the local journal only", e.getMessage());
        }
        events.addAll(readFile(file()));
        return events;
    }

    /**
     * Replays every pending local journal into TaskDB, each file in one transaction, and returns
     * the run ids replayed. Call it only while holding the run lock: no run may still append to
     * these files. Fails EXTERNAL when TaskDB is down.
     */
    public static List<String> replayPending(AuditLog audit, Path dir) {
        List<String> replayed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return replayed;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(PENDING)).sorted().toList()) {
                List<AuditLog.Event> events = readFile(file);
                if (!events.isEmpty() && !alreadyReplayed(audit, events.get(0))) {
                    audit.recordAll(events.stream().map(event -> {
                        Map<String, Object> metadata = new LinkedHashMap<>(event.metadata());
                        metadata.putIfAbsent(JOURNALED_AT, event.createdAt().toString());
                        return new AuditLog.Entry(event.taskId(), event.eventType(), metadata);
                    }).toList());
                }
                String name = file.getFileName().toString();
                String runId = name.substring(0, name.length() - PENDING.length());
                archive(file, file.resolveSibling(runId + REPLAYED));
                replayed.add(runId);
            }
        } catch (IOException e) {
            throw RagbackException.external("cannot replay the local journals in " + dir + ": " + e.getMessage(), null, e);
        }
        return replayed;
    }

    // a crash between the commit and the rename leaves the file pending although TaskDB has it all
    private static boolean alreadyReplayed(AuditLog audit, AuditLog.Event first) {
        String at = first.createdAt().toString();
        return audit.events(first.taskId()).stream().anyMatch(event -> event.eventType().equals(first.eventType())
                && at.equals(event.metadata().get(JOURNALED_AT)));
    }

    private static void archive(Path pending, Path replayed) throws IOException {
        if (Files.exists(replayed)) {
            Files.write(replayed, Files.readAllBytes(pending), StandardOpenOption.APPEND);
            Files.delete(pending);
        } else {
            Files.move(pending, replayed);
        }
    }

    static List<AuditLog.Event> readFile(Path file) {
        List<AuditLog.Event> events = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return events;
        }
        try {
            long n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> event;
                try {
                    event = JSON.readValue(line, new TypeReference<>() { });
                } catch (IOException e) {
                    LOG.warn("skipping an unreadable line of {} (a crash while writing it?)", file);
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> metadata = (Map<String, Object>) event.getOrDefault("metadata", Map.of());
                events.add(new AuditLog.Event(--n, String.valueOf(event.get("task_id")), String.valueOf(event.get("event_type")),
                        metadata, Instant.parse(String.valueOf(event.get("created_at")))));
            }
        } catch (IOException e) {
            throw RagbackException.external("cannot read the local journal " + file + ": " + e.getMessage(), null, e);
        }
        return events;
    }
}
