package dev.ragback.cli;

import dev.ragback.adapters.http.JdkHttpProbe;
import dev.ragback.adapters.metrics.PrometheusMetricsSink;
import dev.ragback.adapters.os.ChildContext;
import dev.ragback.adapters.os.LocalOperator;
import dev.ragback.adapters.postgres.JdbcAppliedMigrations;
import dev.ragback.adapters.postgres.JdbcAuditLog;
import dev.ragback.adapters.postgres.JdbcDatabaseProbe;
import dev.ragback.adapters.postgres.LoginRefusals;
import dev.ragback.adapters.postgres.JdbcSchemaMigrator;
import dev.ragback.adapters.postgres.PgDumpTool;
import dev.ragback.adapters.postgres.PostgresConnection;
import dev.ragback.app.Operator;
import dev.ragback.adapters.release.CommandReleaseSwitch;
import dev.ragback.adapters.slack.SlackWebhookNotifier;
import dev.ragback.adapters.release.SymlinkReleaseSwitch;
import dev.ragback.adapters.traffic.CommandTrafficSwitch;
import dev.ragback.adapters.traffic.FileTrafficSwitch;
import dev.ragback.adapters.traffic.HttpTrafficSwitch;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.checks.SmokeService;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.LiveSources;
import dev.ragback.app.doctor.BackupsDirCheck;
import dev.ragback.app.doctor.DoctorService;
import dev.ragback.app.doctor.JudgeChecks;
import dev.ragback.app.doctor.RollbackReadiness;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.eval.JudgeEvaluation;
import dev.ragback.app.migrate.MigrationService;
import dev.ragback.app.history.Postmortem;
import dev.ragback.app.history.RunHistory;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.SchemaMigrator;
import dev.ragback.app.port.MetricsSink;
import dev.ragback.app.port.Notifier;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.Redaction;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.ManifestSignature;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.TrafficSwitch;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.traffic.TrafficService;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** Wires adapters and use cases from the configuration. Nothing is built before it is asked for. */
public final class Services implements AutoCloseable {
    // a migration statement (a CREATE INDEX on a big table) may take long, but not forever
    private static final Duration MIGRATION_STATEMENT_TIMEOUT = Duration.ofMinutes(30);
    private final Config config;
    private JdbcAuditLog auditLog;
    private final QdrantServices qdrant;
    private CompatService compat;
    private final Repository repository;
    private final List<Repository> others = new java.util.ArrayList<>();

    private final ChildContext children;
    private final EvalServices evaluation;

    Services(Config config) {
        this(config, ChildContext.ofThisProcess());
    }

    /** Programs ragback runs start in {@code workDir} with exactly {@code env}: the invocation's, not the JVM's. */
    Services(Config config, java.nio.file.Path workDir, java.util.Map<String, String> env) {
        this(config, new ChildContext(workDir, env));
    }

    private Services(Config config, ChildContext children) {
        LoginRefusals.startRun();
        this.config = config;
        this.children = children;
        this.evaluation = new EvalServices(config, children);
        this.qdrant = new QdrantServices(config);
        this.repository = new Repository(config, config.get(ConfigKeys.BACKUPS_DIR), this::bucket);
    }

    /**
     * The matrix, with the live triple read from the release switch, schema_migrations and Qdrant. One per
     * invocation (it keeps no state: each check reads the matrix and the live triple again).
     */
    public synchronized CompatService compat() {
        if (compat == null) {
            compat = new CompatService(config.get(ConfigKeys.COMPAT_MATRIX), new LiveSources(releaseSwitch(), appliedMigrations(),
                    vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION)));
        }
        return compat;
    }

    public VectorStore vectorStore() {
        return qdrant.vectorStore();
    }

    /** The Qdrant cluster's peers from qdrant.nodes, or {@code null} without it. */
    public dev.ragback.app.port.ClusterNodes clusterNodes() {
        return qdrant.clusterNodes();
    }

    public PostgresConnection postgresConnection() {
        return new PostgresConnection(config.get(ConfigKeys.POSTGRES_HOST), config.get(ConfigKeys.POSTGRES_PORT),
                config.get(ConfigKeys.POSTGRES_USER), config.get(ConfigKeys.POSTGRES_DATABASE),
                config.get(ConfigKeys.POSTGRES_PASSWORD));
    }

    public DatabaseProbe postgres() {
        return new JdbcDatabaseProbe(postgresConnection());
    }

    /** TaskDB: taskdb.url when set, otherwise the postgres.* database. */
    private PostgresConnection taskDbConnection() {
        String url = config.get(ConfigKeys.TASKDB_URL);
        if (url == null) {
            return postgresConnection();
        }
        return PostgresConnection.fromJdbcUrl(url, config.get(ConfigKeys.POSTGRES_USER), config.get(ConfigKeys.POSTGRES_PASSWORD));
    }

    public DatabaseProbe taskDb() {
        return new JdbcDatabaseProbe(taskDbConnection());
    }

    /** One per invocation: it keeps one TaskDB session for all events, closed by {@link #close()}. */
    public synchronized AuditLog auditLog() {
        if (auditLog == null) {
            auditLog = new JdbcAuditLog(taskDbConnection());
        }
        return auditLog;
    }

    public TrafficSwitch trafficSwitch() {
        return switch (config.get(ConfigKeys.TRAFFIC_MODE)) {
            case FILE -> new FileTrafficSwitch(config.get(ConfigKeys.TRAFFIC_FILE));
            case COMMAND -> new CommandTrafficSwitch(config.get(ConfigKeys.TRAFFIC_COMMAND), children);
            case HTTP -> new HttpTrafficSwitch(config.get(ConfigKeys.TRAFFIC_URL));
        };
    }

    public TrafficService traffic() {
        return new TrafficService(trafficSwitch(), auditLog(), LocalOperator::current);
    }

    public ReleaseSwitch releaseSwitch() {
        return switch (config.get(ConfigKeys.RELEASE_MODE)) {
            case SYMLINK -> new SymlinkReleaseSwitch(config.get(ConfigKeys.RELEASE_DIR));
            case COMMAND -> new CommandReleaseSwitch(config.get(ConfigKeys.RELEASE_CURRENT_COMMAND),
                    config.get(ConfigKeys.RELEASE_ACTIVATE_COMMAND), config.get(ConfigKeys.RELEASE_DIR), children);
        };
    }

    public ReleaseService releases() {
        return new ReleaseService(releaseSwitch(), compat(), auditLog(), LocalOperator::current);
    }

    public AppliedMigrations appliedMigrations() {
        return new JdbcAppliedMigrations(postgresConnection());
    }

    public DumpTool dumpTool() {
        return new PgDumpTool(null, postgresConnection(), children);
    }

    /** Who runs this invocation, for the audit events a command records itself. */
    public Operator operator() {
        return LocalOperator.current();
    }

    public DoctorService doctor() {
        JudgeChecks judge = evaluation.judgeMode() ? new JudgeChecks(evaluation::ragService, evaluation::chatModel,
                () -> JudgeEvaluation.sampleQuestion(config.get(ConfigKeys.EVAL_DATASET)), Clock.systemUTC()) : null;
        return new DoctorService(new DoctorService.Subjects(vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION),
                postgres(), taskDb(), dumpTool(), compat(), repository.bucket() ? new BackupsDirCheck(repository.store())
                        : new BackupsDirCheck(repository.backups().root()),
                manifestSignature(), judge, clusterNodes() == null ? null : shardsOverview()), new RollbackReadiness(this::eval, releases(), traffic(),
                snapshotCatalog(), snapshotVerifier()));
    }

    /** The backups dir, or for an S3 repository this run's staging dir. */
    public BackupsDir backups() {
        return repository.backups();
    }

    /** Where the sets are: the directory or {@code s3://bucket/prefix}. */
    public String repositoryLocation() {
        return repository.location();
    }

    /** {@code snapshot copy}: verified copies between directories and buckets, through this run's staging dir. */
    public dev.ragback.app.snapshot.SetCopy setCopy() {
        return new dev.ragback.app.snapshot.SetCopy(dumpTool(), manifestSignature(), repository.staging());
    }

    /** One end of a copy: {@code location} (a directory or s3://...) with the backups.s3.* settings. */
    public synchronized dev.ragback.app.snapshot.SetCopy.Side side(String location) {
        Repository other = location.equals(repository.location()) ? repository : new Repository(config, location, this::bucket);
        if (other != repository) {
            others.add(other);
        }
        return other.bucket() ? new dev.ragback.app.snapshot.SetCopy.Bucket(other.objectSets(manifestSignature()))
                : new dev.ragback.app.snapshot.SetCopy.Dir(other.backups());
    }

    private dev.ragback.app.port.BlobStore bucket(String location) {
        return S3Services.bucket(config, location, children.env());
    }

    /** Keeps this run's staging dir (S3 repository) after the run; returns it, or {@code null}. */
    public java.nio.file.Path keepStaging() {
        return repository.keepStaging();
    }

    public SnapshotSettings snapshotSettings() {
        boolean directory = switch (config.get(ConfigKeys.POSTGRES_DUMP_FORMAT)) {
            case CUSTOM -> false;
            case DIRECTORY -> true;
        };
        DumpTool.DumpOptions dump = new DumpTool.DumpOptions(directory, config.get(ConfigKeys.POSTGRES_COMPRESS),
                directory ? config.get(ConfigKeys.POSTGRES_JOBS) : 1, List.of("task_events", "task_events_id_seq", "ragback_*"));
        return new SnapshotSettings(config.get(ConfigKeys.QDRANT_COLLECTION), config.get(ConfigKeys.QDRANT_VECTOR_NAME),
                config.get(ConfigKeys.SMOKE_PROBES), config.get(ConfigKeys.SMOKE_K),
                config.get(ConfigKeys.POSTGRES_CHUNKS_TABLE), dump, config.get(ConfigKeys.QDRANT_DELETE_SERVER_SNAPSHOT),
                Redaction.redactUrl(config.get(ConfigKeys.QDRANT_URL).toString()), config.get(ConfigKeys.POSTGRES_DATABASE));
    }

    public SnapshotCreator snapshotCreator() {
        SnapshotCreator creator = new SnapshotCreator(backups(), vectorStore(), postgres(), dumpTool(), appliedMigrations(),
                releaseSwitch(), snapshotSettings(), VersionProvider.version(), Clock.systemUTC(), manifestSignature())
                .withCluster(clusterNodes(), config.get(ConfigKeys.QDRANT_PARALLEL_SHARDS));
        return repository.bucket() ? creator.uploadingTo(repository.objectSets(manifestSignature())) : creator;
    }

    /** Signs and checks manifests with RAGBACK_SIGNING_KEY; does neither when it is unset. */
    public ManifestSignature manifestSignature() {
        return ManifestSignature.of(config.get(ConfigKeys.SNAPSHOT_SIGNING_KEY));
    }

    public SnapshotVerifier snapshotVerifier() {
        return repository.bucket() ? new SnapshotVerifier(backups(), dumpTool(), repository.objectSets(manifestSignature()))
                : new SnapshotVerifier(backups(), dumpTool(), manifestSignature());
    }

    public SnapshotCatalog snapshotCatalog() {
        return repository.bucket() ? new SnapshotCatalog(repository.objectSets(manifestSignature()), snapshotVerifier(), Clock.systemUTC())
                : new SnapshotCatalog(backups(), snapshotVerifier(), Clock.systemUTC());
    }

    public dev.ragback.app.vectors.CollectionDrop collectionDrop() {
        return new dev.ragback.app.vectors.CollectionDrop(vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION), auditLog(),
                LocalOperator::current);
    }

    public dev.ragback.app.vectors.CollectionsOverview collectionsOverview() {
        return new dev.ragback.app.vectors.CollectionsOverview(vectorStore());
    }

    public dev.ragback.app.vectors.ShardsOverview shardsOverview() {
        return new dev.ragback.app.vectors.ShardsOverview(vectorStore(), clusterNodes());
    }

    /** The probe rule of smoke and verify: smoke.min_overlap and smoke.score_tolerance. */
    public ProbeComparison probeComparison() {
        return new ProbeComparison(config.get(ConfigKeys.SMOKE_MIN_OVERLAP), config.get(ConfigKeys.SMOKE_SCORE_TOLERANCE));
    }

    /** Smoke checks; the schema check requires postgres.chunks_table. */
    public SmokeService smoke() {
        List<SmokeService.HttpTarget> http = config.get(ConfigKeys.SMOKE_HTTP).stream()
                .map(check -> new SmokeService.HttpTarget(check.name(), check.url(), check.expectStatus())).toList();
        return new SmokeService(new SmokeService.Subjects(postgres(), vectorStore(), snapshotCatalog(), compat(), new JdkHttpProbe()),
                new SmokeService.Settings(config.get(ConfigKeys.QDRANT_COLLECTION), List.of(config.get(ConfigKeys.POSTGRES_CHUNKS_TABLE)),
                        probeComparison(), http));
    }

    public EvalService eval() {
        return evaluation.eval();
    }

    /** eval-quick: the evaluation beside the newest golden set's recorded baseline. */
    public dev.ragback.app.eval.EvalQuickService evalQuick() {
        return new dev.ragback.app.eval.EvalQuickService(eval(), snapshotCatalog());
    }

    public dev.ragback.app.restore.RestoreService restore() {
        // from a bucket: the set is downloaded into staging, and verified there like a local set before any restore
        var restore = new dev.ragback.app.restore.RestoreService(backups(), new SnapshotVerifier(backups(), dumpTool(),
                manifestSignature()), snapshotCatalog(), appliedMigrations(), dumpTool(), vectorStore(), releaseSwitch(), compat(),
                config.get(ConfigKeys.QDRANT_COLLECTION), config.get(ConfigKeys.POSTGRES_JOBS), config.get(ConfigKeys.QDRANT_GREEN_TIMEOUT),
                probeComparison()).withCluster(clusterNodes(), config.get(ConfigKeys.QDRANT_PARALLEL_SHARDS),
                config.get(ConfigKeys.QDRANT_REPLICAS_TIMEOUT));
        return repository.bucket() ? restore.stagingFrom(repository.objectSets(manifestSignature())) : restore;
    }

    public dev.ragback.app.vectors.ServerSnapshotRecovery serverSnapshotRecovery() {
        return new dev.ragback.app.vectors.ServerSnapshotRecovery(vectorStore(), repository.localState());
    }

    public java.nio.file.Path journalDir() {
        return repository.localState().resolve(".journal");
    }

    /** The run lock in TaskDB, and the lock file used when TaskDB is down. */
    private dev.ragback.app.port.RunLock runLock() {
        return new dev.ragback.adapters.postgres.PostgresRunLock(taskDbConnection());
    }

    private dev.ragback.app.port.RunLock fallbackRunLock() {
        return new dev.ragback.adapters.os.LockFileRunLock(journalDir().resolve("lock"), dev.ragback.app.Host.name());
    }

    /** snapshot restore: restore and verify, under the run lock that rollback auto takes too. */
    public dev.ragback.app.rollback.VerifiedRestore verifiedRestore() {
        return new dev.ragback.app.rollback.VerifiedRestore(restore(), this::verify, new dev.ragback.app.rollback.VerifiedRestore.Lock(
                runLock(), fallbackRunLock(), dev.ragback.app.Host.name(), ProcessHandle.current().pid(), Clock.systemUTC(), auditLog()));
    }

    public dev.ragback.app.rollback.RunReporter runReporter() {
        return new dev.ragback.app.rollback.DeliveringReporter(auditLog(), journalDir(), postmortem(), metricsSink(), notifier(),
                Clock.systemUTC());
    }

    public dev.ragback.app.rollback.RollbackService rollback() {
        dev.ragback.app.rollback.RollbackSteps steps = new dev.ragback.app.rollback.RollbackSteps(
                new dev.ragback.app.rollback.RollbackSteps.Services(restore(), releases(), compat(), traffic(), this::smoke,
                        this::eval, this::verify, runReporter()));
        return new dev.ragback.app.rollback.RollbackService(steps, runLock(), fallbackRunLock(), auditLog(), journalDir(),
                Clock.systemUTC(), dev.ragback.app.Host.name(), ProcessHandle.current().pid());
    }

    public dev.ragback.app.checks.VerifyService verify() {
        return new dev.ragback.app.checks.VerifyService(snapshotCatalog(), postgres(), vectorStore(), probeComparison(),
                config.get(ConfigKeys.QDRANT_COLLECTION), config.get(ConfigKeys.POSTGRES_CHUNKS_TABLE)).withCluster(clusterNodes());
    }

    public SchemaMigrator schemaMigrator() {
        return new JdbcSchemaMigrator(postgresConnection(), null, MIGRATION_STATEMENT_TIMEOUT, children);
    }

    /** migrate status/up/down/verify on migrations.dir and the postgres.* database. */
    public MigrationService migrations() {
        SecureRandom random = new SecureRandom();
        return new MigrationService(config.get(ConfigKeys.MIGRATIONS_DIR), schemaMigrator(), () -> {
            byte[] suffix = new byte[4];
            random.nextBytes(suffix);
            return HexFormat.of().formatHex(suffix);
        });
    }

    public RunHistory runHistory() {
        return new RunHistory(auditLog(), Clock.systemUTC());
    }

    /** Postmortem drafts from TaskDB; {@code rollback auto}'s report step calls it with the run id. */
    public Postmortem postmortem() {
        return new Postmortem(auditLog(), config.get(ConfigKeys.POSTMORTEM_TEMPLATE), config.get(ConfigKeys.POSTMORTEM_DIR),
                Clock.systemUTC(), config.setting(ConfigKeys.POSTMORTEM_TEMPLATE).source() == dev.ragback.config.Source.DEFAULT);
    }

    /** Pushgateway (metrics.pushgateway / PUSHGATEWAY_URL) and/or textfile (metrics.textfile); publishes nothing when neither is set. */
    public MetricsSink metricsSink() {
        return new PrometheusMetricsSink(config.get(ConfigKeys.METRICS_PUSHGATEWAY), config.get(ConfigKeys.METRICS_TEXTFILE));
    }

    /** Slack through SLACK_WEBHOOK with notify.template and notify.slack_timeout; sends nothing when SLACK_WEBHOOK is unset. */
    public Notifier notifier() {
        java.nio.file.Path template = config.get(ConfigKeys.NOTIFY_TEMPLATE);
        boolean defaultMissing = config.setting(ConfigKeys.NOTIFY_TEMPLATE).source() == dev.ragback.config.Source.DEFAULT
                && !java.nio.file.Files.exists(template);
        // outside the repository the default template is not there: the built-in copy of it is used
        return new SlackWebhookNotifier(config.get(ConfigKeys.NOTIFY_SLACK_WEBHOOK), defaultMissing ? null : template,
                config.get(ConfigKeys.NOTIFY_SLACK_TIMEOUT));
    }

    @Override
    public synchronized void close() {
        if (auditLog != null) {
            auditLog.close();
        }
        repository.close();
        others.forEach(Repository::close);
    }
}
