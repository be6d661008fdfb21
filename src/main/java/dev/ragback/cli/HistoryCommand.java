package dev.ragback.cli;

import dev.ragback.app.Durations;
import dev.ragback.app.Names;
import dev.ragback.app.history.RunHistory;
import dev.ragback.app.history.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "history", description = "Rollback runs recorded in TaskDB, newest first: run id, start, duration, outcome, "
        + "failed step, reason. A run without rollback_finished is 'running', or 'incomplete' after 2 hours without an event.")
final class HistoryCommand implements Callable<Integer> {
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Session session;

    @Option(names = "--limit", paramLabel = "N", description = "How many runs, 1 to " + RunHistory.MAX_LIMIT + " (default: "
            + RunHistory.DEFAULT_LIMIT + ").")
    int limit = RunHistory.DEFAULT_LIMIT;

    HistoryCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        List<RunSummary> runs = session.services().runHistory().list(limit);
        if (session.json()) {
            session.printJson(runs.stream().map(RunRow::of).toList());
        } else if (runs.isEmpty()) {
            session.out().println("no rollback runs in TaskDB");
        } else {
            render(runs);
        }
        return ExitCodes.OK;
    }

    private void render(List<RunSummary> runs) {
        PrintWriter out = session.out();
        String format = "%-20s %-19s  %-9s %-21s %-12s %s%n";
        out.printf(format, "RUN", "STARTED (UTC)", "DURATION", "OUTCOME", "STEP", "REASON");
        for (RunSummary run : runs) {
            out.printf(format, Names.printable(run.runId()), run.startedAt() == null ? "-" : STARTED.format(run.startedAt()),
                    run.duration() == null ? "-" : Durations.human(run.duration()),
                    run.outcome() + (run.dryRun() ? " (dry run)" : ""), step(run), printable(run.reason()));
        }
        out.flush();
    }

    /** The step that stopped a finished run; for one still open, the step it was at. */
    private static String step(RunSummary run) {
        if (run.failedStep() != null) {
            return printable(run.failedStep());
        }
        return !run.finished() && run.lastStep() != null ? "at " + printable(run.lastStep()) : "-";
    }

    private static String printable(String value) {
        return value == null ? "-" : Names.printable(value);
    }

    record RunRow(String runId, String reason, String startedAt, Double durationS, String outcome, String failedStep,
                  String lastStep, boolean dryRun, String snapshot, String release, String host) {
        static RunRow of(RunSummary run) {
            return new RunRow(run.runId(), run.reason(), run.startedAt() == null ? null : run.startedAt().toString(),
                    run.duration() == null ? null : run.duration().toMillis() / 1000.0, run.outcome(), run.failedStep(),
                    run.lastStep(), run.dryRun(), run.snapshot(), run.release(), run.host());
        }
    }
}
