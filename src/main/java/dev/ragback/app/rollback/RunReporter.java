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

    /**
     * What the report step did, channel by channel.
     *
     * @param channels one line per channel, e.g. {@code slack: not configured}, {@code postmortem: ops/postmortems/x.md}
     * @param warnings what the on-call engineer must know or do: one line per failed delivery, and that nobody was
     *                 notified when Slack is not configured
     */
    record Delivery(List<String> channels, List<String> warnings) {
        public Delivery {
            channels = List.copyOf(channels);
            warnings = List.copyOf(warnings);
        }

        public String detail() {
            return String.join("; ", channels);
        }
    }

    /** Delivers what it can, says what happened on each channel; never throws for failed deliveries. */
    Delivery report(RunSummary summary);

    RunReporter NONE = summary -> new Delivery(List.of(), List.of());
}
