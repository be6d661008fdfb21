package dev.ragback.app.restore;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code snapshot restore}'s events in TaskDB under its lease's id ({@code restore_<epoch>}).
 * TaskDB's table is never part of the restore's transaction, so it takes them throughout; one it
 * cannot take is a warning, never the restore's failure.
 */
public final class TaskDbRestoreJournal implements RestoreJournal {
    private final AuditLog audit;
    private final String taskId;
    private final Consumer<String> say;
    private final Consumer<String> warn;
    private final BooleanSupplier commitBegins;

    /** {@code commitBegins}: see {@link RestoreJournal#commitBegins()} (the terminal's interrupt handling). */
    public TaskDbRestoreJournal(AuditLog audit, String taskId, Consumer<String> say, Consumer<String> warn,
                                BooleanSupplier commitBegins) {
        this.audit = audit;
        this.taskId = taskId;
        this.say = say;
        this.warn = warn;
        this.commitBegins = commitBegins;
    }

    @Override
    public boolean commitBegins() {
        return commitBegins.getAsBoolean();
    }

    @Override
    public void record(String eventType, Map<String, Object> metadata) {
        try {
            audit.record(taskId, eventType, metadata);
        } catch (RagbackException e) {
            warn.accept(eventType + " of " + taskId + " is not in TaskDB: " + e.getMessage());
        }
    }

    @Override
    public void say(String line) {
        say.accept(line);
    }
}
