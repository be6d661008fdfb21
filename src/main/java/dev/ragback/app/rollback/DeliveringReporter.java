package dev.ragback.app.rollback;

import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.history.Postmortem;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.MetricsSink;
import dev.ragback.app.port.Notifier;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code report} step's deliveries: the postmortem draft, the metrics, the notification; each failure is a warning. */
public final class DeliveringReporter implements RunReporter {
    private static final int ALL_RUNS = 100_000;
    private static final java.util.regex.Pattern HTTP_STATUS = java.util.regex.Pattern.compile("(?:answered|HTTP) (\\d{3})");

    private final AuditLog audit;
    private final Path journalDir;
    private final Postmortem postmortem;
    private final MetricsSink metrics;
    private final Notifier notifier;
    private final Clock clock;

    public DeliveringReporter(AuditLog audit, Path journalDir, Postmortem postmortem, MetricsSink metrics, Notifier notifier,
                              Clock clock) {
        this.audit = audit;
        this.journalDir = journalDir;
        this.postmortem = postmortem;
        this.metrics = metrics;
        this.notifier = notifier;
        this.clock = clock;
    }

    @Override
    public Delivery report(RunSummary summary) {
        List<String> warnings = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        List<AuditLog.Event> events = new ArrayList<>(new Journal(audit, journalDir, summary.runId(), clock).events());
        // the run's own end is journaled after this step: the draft shows it already
        RunEvent finished = new RunEvent.Finished(summary.outcome(), summary.failedStep(), summary.durationSeconds(), null);
        events.add(new AuditLog.Event(Long.MAX_VALUE, summary.runId(), finished.type(), finished.metadata(), clock.instant()));
        try {
            channels.add("postmortem: " + postmortem.write(summary.runId(), events, false));
        } catch (RagbackException e) {
            channels.add("postmortem: failed");
            warnings.add("postmortem draft not written: " + e.getMessage());
        }
        List<String> unpublished = metrics.publish(new MetricsSink.RunMetrics(summary.runId(), summary.reason(), summary.outcome(),
                summary.durationSeconds(), summary.stepSeconds(), rollbacksByReason(summary, warnings), summary.snapshotBytes()));
        channels.add("metrics: " + (!metrics.configured() ? "not configured" : unpublished.isEmpty() ? "pushed to " + metrics.describe()
                : "failed"));
        warnings.addAll(unpublished);
        channels.add("slack: " + notify(summary, warnings));
        return new Delivery(channels, warnings);
    }

    private String notify(RunSummary summary, List<String> warnings) {
        if (!notifier.configured()) {
            warnings.add("nobody was notified: Slack is not configured (SLACK_WEBHOOK unset); post in #ops-alerts by hand");
            return "not configured";
        }
        String failure = notifier.notify(new Notifier.RollbackNotice(summary.runId(), summary.reason(), summary.outcome(),
                summary.failedStep(), Durations.human(Duration.ofMillis((long) (summary.durationSeconds() * 1000))),
                summary.snapshot(), summary.release(), dev.ragback.app.Host.name(), clock.instant().toString()));
        if (failure == null) {
            return "sent";
        }
        warnings.add(failure);
        if (failure.startsWith("Slack notified")) {
            return "sent with the built-in message";
        }
        java.util.regex.Matcher status = HTTP_STATUS.matcher(failure);
        return status.find() ? "failed (HTTP " + status.group(1) + ")" : "failed";
    }

    /** rag_rollback_total{reason}: counted from TaskDB, so it only ever grows; dry runs do not count. */
    private Map<String, Long> rollbacksByReason(RunSummary summary, List<String> warnings) {
        Map<String, Long> counts = new TreeMap<>();
        try {
            boolean seen = false;
            for (AuditLog.Event event : audit.latest("rollback_auto", ALL_RUNS)) {
                if (Boolean.TRUE.equals(event.metadata().get("dry_run"))) {
                    continue;
                }
                seen |= event.taskId().equals(summary.runId());
                counts.merge(String.valueOf(event.metadata().get("reason")), 1L, Long::sum);
            }
            if (!seen) {
                counts.merge(summary.reason(), 1L, Long::sum); // this run's start is still in the local journal
            }
        } catch (RagbackException e) {
            warnings.add("rag_rollback_total left out: TaskDB is unreachable (" + e.getMessage() + ")");
            counts.clear();
        }
        return counts;
    }
}
