package dev.ragback.app.rollback;

import dev.ragback.app.port.AuditLog;

import java.util.ArrayList;
import java.util.List;

/**
 * What earlier attempts of a run did in its restore step, from the run's journal (issue 19 item 4):
 * killed during prepare, nothing changed, so the restore starts again (and the collection that
 * attempt was filling goes); killed after the COMMIT, the alias switch is finished instead.
 *
 * @param committed the collection an earlier attempt committed the restore of this set into, or null
 * @param started   collections earlier attempts began to prepare, oldest first
 */
record RestoreResume(String committed, List<String> started) {

    static RestoreResume of(List<AuditLog.Event> events, String setId) {
        String committed = null;
        List<String> started = new ArrayList<>();
        for (AuditLog.Event event : events) {
            Object collection = event.metadata().get("collection");
            if (collection == null || !setId.equals(event.metadata().get("snapshot_id"))) {
                continue;
            }
            switch (event.eventType()) {
                case "restore_started" -> started.add(collection.toString());
                case "restore_postgres_committed", "restore_committed", "restore_roll_forward" -> committed = collection.toString();
                default -> {
                }
            }
        }
        return new RestoreResume(committed, List.copyOf(started));
    }
}
