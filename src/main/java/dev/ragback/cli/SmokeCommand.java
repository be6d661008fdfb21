package dev.ragback.cli;

import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.SmokeCheck;
import dev.ragback.app.checks.SmokeReport;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "smoke", description = "Check the live pipeline: postgres, schema, qdrant, probes (against the newest golden "
        + "set), compat and every smoke.http entry; each passes, fails or is skipped. Exit 3 when a check fails.")
final class SmokeCommand implements Callable<Integer> {
    private final Session session;

    SmokeCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        SmokeReport report = session.services().smoke().run();
        if (session.json()) {
            session.printJson(report.checks().stream().map(CheckRow::of).toList());
        } else {
            render(report.checks(), Duration.ofNanos(System.nanoTime() - start));
        }
        report.checks().stream().filter(c -> c.warning() != null).forEach(c -> session.warn(c.name() + ": " + c.warning()));
        List<SmokeCheck> failures = report.failures();
        if (SmokeReport.failureKind(failures) == RagbackException.Kind.EXTERNAL) {
            List<SmokeCheck> unreachable = failures.stream().filter(SmokeCheck::unreachable).toList();
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "smoke: " + unreachable.size() + " of " + report.checks().size()
                    + " checks could not reach what they check: " + String.join(", ", unreachable.stream().map(SmokeCheck::name).toList()),
                    "bring it back (ragback doctor shows each connection), then run: ragback smoke");
        }
        if (!failures.isEmpty()) {
            throw new RagbackException(RagbackException.Kind.GATE, "smoke failed: "
                    + String.join(", ", failures.stream().map(SmokeCheck::name).toList())
                    + " (" + failures.size() + " of " + report.checks().size() + " checks)",
                    "fix what the failed checks say, then run: ragback smoke");
        }
        return ExitCodes.OK;
    }

    private void render(List<SmokeCheck> checks, Duration took) {
        PrintWriter out = session.out();
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (SmokeCheck check : checks) {
            out.printf("%s  %-" + width + "s  %s  (%s)%n", Styles.status(session, check.status().word()), check.name(),
                    check.detail(), Durations.human(check.duration()));
        }
        out.printf("smoke: %d passed, %d failed, %d skipped (%s)%n", count(checks, SmokeCheck.Status.PASS),
                count(checks, SmokeCheck.Status.FAIL), count(checks, SmokeCheck.Status.SKIP), Durations.human(took));
        out.flush();
    }

    private static long count(List<SmokeCheck> checks, SmokeCheck.Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    record CheckRow(String name, String status, String detail, long durationMs, String warning) {
        static CheckRow of(SmokeCheck check) {
            return new CheckRow(check.name(), check.status().word(), check.detail(), check.duration().toMillis(), check.warning());
        }
    }
}
