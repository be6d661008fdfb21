package dev.ragback.app.port;

/**
 * Tells people that a rollback ran (SPEC section 9: the runbook's Slack message). Best effort: a
 * failed notification is a warning, never a failed rollback.
 */
public interface Notifier {

    /**
     * What the rollback message says. Any field may be null (shown as {@code -}), e.g. {@code failedStep}
     * of a run that succeeded.
     */
    record RollbackNotice(String runId, String reason, String outcome, String failedStep, String duration,
                          String snapshot, String release, String host, String timestamp) {
    }

    /**
     * Sends the notice; returns null when sent or when not {@link #configured()} (then nothing is sent),
     * else a one-line warning. Never throws for delivery failures.
     */
    String notify(RollbackNotice notice);

    /** False when there is nowhere to send (e.g. SLACK_WEBHOOK unset): {@link #notify} then sends nothing and returns null. */
    default boolean configured() {
        return true;
    }

    /** Where notices go, for messages, e.g. {@code Slack webhook}; never the address itself. */
    default String describe() {
        return "notifier";
    }
}
