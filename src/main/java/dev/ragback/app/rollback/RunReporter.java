package dev.ragback.app.rollback;

import java.util.List;
import java.util.Map;

/** The {@code report} step's deliveries: metrics, Slack, the postmortem draft. Best effort. */
public interface RunReporter {

    /**
     * A run as the report sees it.
     *
     * @param outcome     succeeded, failed or aborted
     * @param failedStep  the step that failed, or {@code null}
     * @param stepSeconds step name to seconds, in order
     */
    record RunSummary(String runId, String reason, String outcome, String failedStep, double durationSeconds,
                      Map<String, Double> stepSeconds, String snapshot, String release, Map<String, Long> snapshotBytes,
                      boolean taskDbDown) {
    }

    /** Delivers what it can; returns one warning per delivery that failed, never throws for those. */
    List<String> report(RunSummary summary);

    RunReporter NONE = summary -> List.of();
}
