package dev.ragback.cli;

import dev.ragback.adapters.metrics.PrometheusMetricsSink;
import dev.ragback.adapters.os.LockFileRunLock;
import dev.ragback.adapters.postgres.PostgresRunLock;
import dev.ragback.adapters.slack.SlackWebhookNotifier;
import dev.ragback.app.Host;
import dev.ragback.app.history.Postmortem;
import dev.ragback.app.port.MetricsSink;
import dev.ragback.app.port.Notifier;
import dev.ragback.app.rollback.DeliveringReporter;
import dev.ragback.app.rollback.RollbackService;
import dev.ragback.app.rollback.RollbackSteps;
import dev.ragback.app.rollback.RunLocks;
import dev.ragback.app.rollback.RunReporter;
import dev.ragback.app.rollback.VerifiedRestore;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;
import dev.ragback.config.Source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The composition root's run part, built for {@link Services}: the run lock, the local journal, the report
 * (metrics, Slack, postmortem), and the use cases that run under the lock: {@code rollback auto} and {@code snapshot restore}.
 */
final class RunServices {
    private final Config config;
    private final Services services;

    RunServices(Config config, Services services) {
        this.config = config;
        this.services = services;
    }

    Path journalDir() {
        return services.localState().resolve(".journal");
    }

    /** The run lock in TaskDB, the lock file used when TaskDB is down, and who takes them. */
    private RunLocks runLocks() {
        return new RunLocks(new PostgresRunLock(services.taskDbConnection()), new LockFileRunLock(journalDir().resolve("lock"),
                Host.name()), Host.name(), ProcessHandle.current().pid(), Clock.systemUTC(), services.auditLog());
    }

    /** snapshot restore: restore and verify, under the run lock that rollback auto takes too. */
    VerifiedRestore verifiedRestore() {
        return new VerifiedRestore(services.restore(), services::verify, runLocks());
    }

    RollbackService rollback() {
        RollbackSteps steps = new RollbackSteps(new RollbackSteps.Services(services.restore(), services.releases(), services.compat(),
                services.traffic(), services::smoke, services::eval, services::verify, runReporter()));
        return new RollbackService(steps, runLocks(), journalDir());
    }

    private RunReporter runReporter() {
        return new DeliveringReporter(services.auditLog(), journalDir(), postmortem(), metricsSink(), notifier(), Clock.systemUTC());
    }

    /** Postmortem drafts from TaskDB; {@code rollback auto}'s report step calls it with the run id. */
    Postmortem postmortem() {
        return new Postmortem(services.auditLog(), config.get(ConfigKeys.POSTMORTEM_TEMPLATE), config.get(ConfigKeys.POSTMORTEM_DIR),
                Clock.systemUTC(), config.setting(ConfigKeys.POSTMORTEM_TEMPLATE).source() == Source.DEFAULT);
    }

    /** Pushgateway (metrics.pushgateway / PUSHGATEWAY_URL) and/or textfile (metrics.textfile); publishes nothing when neither is set. */
    private MetricsSink metricsSink() {
        return new PrometheusMetricsSink(config.get(ConfigKeys.METRICS_PUSHGATEWAY), config.get(ConfigKeys.METRICS_TEXTFILE));
    }

    /** Slack through SLACK_WEBHOOK with notify.template and notify.slack_timeout; sends nothing when SLACK_WEBHOOK is unset. */
    private Notifier notifier() {
        Path template = config.get(ConfigKeys.NOTIFY_TEMPLATE);
        boolean defaultMissing = config.setting(ConfigKeys.NOTIFY_TEMPLATE).source() == Source.DEFAULT && !Files.exists(template);
        // outside the repository the default template is not there: the built-in copy of it is used
        return new SlackWebhookNotifier(config.get(ConfigKeys.NOTIFY_SLACK_WEBHOOK), defaultMissing ? null : template,
                config.get(ConfigKeys.NOTIFY_SLACK_TIMEOUT));
    }
}
