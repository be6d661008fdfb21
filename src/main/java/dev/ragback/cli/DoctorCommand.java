package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import dev.ragback.app.doctor.CheckResult;
import dev.ragback.app.doctor.DoctorReport;
import dev.ragback.config.Config;
import dev.ragback.config.Setting;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "doctor", description = "Show the effective configuration and check PostgreSQL, TaskDB, Qdrant, "
        + "pg_dump/pg_restore, the backups dir and the matrix. Exit 1 when a check fails.")
final class DoctorCommand implements Callable<Integer> {
    private final Session session;

    DoctorCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Config config = session.config();
        DoctorReport report = session.services().doctor().run();
        if (session.json()) {
            session.printJson(new Document(config.fileLabel(), config.settings().stream().map(SettingRow::of).toList(),
                    report.checks().stream().map(CheckRow::of).toList(), report.healthy()));
        } else {
            render(config, report.checks());
        }
        for (CheckResult failure : report.failures()) {
            session.err().println("fail: " + failure.name() + ": " + failure.detail() + " — " + failure.fix());
        }
        if (!report.healthy()) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL,
                    "doctor: " + report.failures().size() + " of " + report.checks().size() + " checks failed",
                    "fix the lines above, then run: ragback doctor");
        }
        return ExitCodes.OK;
    }

    private void render(Config config, List<CheckResult> checks) {
        PrintWriter out = session.out();
        out.println("Configuration (file: " + config.fileLabel() + ")");
        // columns as wide as their longest value: a long path must not push its source out of line
        int keyWidth = config.settings().stream().mapToInt(s -> s.key().name().length()).max().orElse(1);
        int valueWidth = config.settings().stream().mapToInt(s -> s.display().length()).max().orElse(1);
        String row = "  %-" + keyWidth + "s  %-" + valueWidth + "s  %s%n";
        for (Setting setting : config.settings()) {
            out.printf(row, setting.key().name(), setting.display(),
                    setting.source().label() + (setting.source().label().equals("default") ? "" : " (" + setting.origin() + ")"));
        }
        out.println();
        out.println("Checks");
        for (CheckResult check : checks) {
            out.printf("  %-4s  %-10s %s%n", Styles.status(session, check.status().word()), check.name(), check.detail());
            if (check.fix() != null) {
                out.printf("        %-10s -> %s%n", "", check.fix());
            }
        }
        out.flush();
    }

    /** {@code --json}: every setting with its source, every check, and whether all passed. */
    record Document(String configFile, List<SettingRow> config, List<CheckRow> checks, boolean healthy) {
    }

    /** @param value as doctor shows it (a secret redacted), {@code null} when unset */
    record SettingRow(String key, String value, String source, String origin) {
        static SettingRow of(Setting setting) {
            return new SettingRow(setting.key().name(), setting.value() == null ? null : setting.display(), setting.source().label(),
                    setting.origin());
        }
    }

    record CheckRow(String name, String status, String detail, String fix) {
        static CheckRow of(CheckResult check) {
            return new CheckRow(check.name(), check.status().word(), check.detail(), check.fix());
        }
    }
}
