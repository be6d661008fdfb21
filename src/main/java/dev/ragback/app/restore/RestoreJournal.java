package dev.ragback.app.restore;

import java.util.Map;

/**
 * Where a restore tells what it did: events for TaskDB or a rollback's journal
 * ({@code restore_prepared}, {@code restore_committed}, {@code restore_aborted},
 * {@code restore_interrupted}), and the lines a person reads when it stops halfway.
 */
public interface RestoreJournal {
    /** Does nothing: for tests and callers that journal elsewhere. */
    RestoreJournal NONE = new RestoreJournal() {
        @Override
        public void record(String eventType, Map<String, Object> metadata) {
        }

        @Override
        public void say(String line) {
        }
    };

    /** Appends one event; a journal that cannot take it warns, it never fails the restore. */
    void record(String eventType, Map<String, Object> metadata);

    /** One line for the person at the terminal (stderr). */
    void say(String line);

    /**
     * Both halves are prepared and the commit is about to begin: the point of no return. False when
     * the person stopped the restore just before (it is aborted instead); after true, an interrupt
     * is answered by finishing the commit and the alias switch.
     */
    default boolean commitBegins() {
        return true;
    }
}
