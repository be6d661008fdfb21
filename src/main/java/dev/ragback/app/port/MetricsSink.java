package dev.ragback.app.port;

import java.util.List;
import java.util.Map;

/**
 * Where the metrics of a rollback run go (SPEC section 9): a Prometheus Pushgateway and/or a
 * node_exporter textfile. Delivery is best effort: a failed target is a warning, never a failed run.
 */
public interface MetricsSink {

    /**
     * One finished (or failed/aborted) rollback run, for the metrics of SPEC section 9.
     *
     * @param runId             the run's task id, e.g. {@code rollback_1764300000} (not a label: it would grow without bound)
     * @param reason            the run's reason
     * @param outcome           succeeded, failed, aborted or blocked
     * @param durationSeconds   the whole run, in seconds
     * @param stepSeconds       step name to seconds, in step order (a LinkedHashMap); steps that did not run are left out
     * @param rollbacksByReason rag_rollback_total{reason}: counts derived from TaskDB, all reasons (this run included)
     * @param snapshotBytes     store ({@code qdrant}, {@code postgres}) to bytes of the set restored; empty when none was
     */
    record RunMetrics(String runId, String reason, String outcome, double durationSeconds,
                      Map<String, Double> stepSeconds,
                      Map<String, Long> rollbacksByReason,
                      Map<String, Long> snapshotBytes) {
    }

    /** Delivers the metrics to every configured target; returns one warning line per target that failed (never throws for delivery failures). */
    List<String> publish(RunMetrics metrics);

    /** False when no target is configured: {@link #publish} then sends nothing and returns an empty list. */
    default boolean configured() {
        return true;
    }

    /** The configured targets for messages, e.g. {@code Pushgateway http://pg:9091 (job ragback)}; never a credential. */
    default String describe() {
        return "metrics";
    }
}
