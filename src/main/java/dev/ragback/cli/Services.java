package dev.ragback.cli;

import dev.ragback.adapters.http.JdkHttpProbe;
import dev.ragback.adapters.os.ChildContext;
import dev.ragback.adapters.os.LocalOperator;
import dev.ragback.adapters.postgres.HeldSession;
import dev.ragback.adapters.postgres.JdbcAppliedMigrations;
import dev.ragback.adapters.postgres.JdbcAuditLog;
import dev.ragback.adapters.postgres.JdbcDatabaseProbe;
import dev.ragback.adapters.postgres.JdbcSchemaMigrator;
import dev.ragback.adapters.postgres.LoginRefusals;
import dev.ragback.adapters.postgres.PgDumpTool;
import dev.ragback.adapters.postgres.PostgresConnection;
import dev.ragback.adapters.release.CommandReleaseSwitch;
import dev.ragback.adapters.release.SymlinkReleaseSwitch;
import dev.ragback.adapters.traffic.CommandTrafficSwitch;
import dev.ragback.adapters.traffic.FileTrafficSwitch;
import dev.ragback.adapters.traffic.HttpTrafficSwitch;
import dev.ragback.app.Operator;
import dev.ragback.app.Redaction;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.checks.SmokeService;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.LiveSources;
import dev.ragback.app.doctor.BackupsDirCheck;
import dev.ragback.app.doctor.DoctorService;
import dev.ragback.app.doctor.JudgeChecks;
import dev.ragback.app.doctor.RollbackReadiness;
import dev.ragback.app.eval.EvalQuickService;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.eval.JudgeEvaluation;
import dev.ragback.app.history.Postmortem;
import dev.ragback.app.history.RunHistory;
import dev.ragback.app.migrate.MigrationService;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.BlobStore;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.SchemaMigrator;
import dev.ragback.app.port.TrafficSwitch;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.restore.RestoreService;
import dev.ragback.app.rollback.RollbackService;
import dev.ragback.app.rollback.VerifiedRestore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.ManifestSignature;
import dev.ragback.app.snapshot.SetCopy;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.app.traffic.TrafficService;
import dev.ragback.app.vectors.CollectionDrop;
import dev.ragback.app.vectors.CollectionsOverview;
import dev.ragback.app.vectors.ServerSnapshotRecovery;
import dev.ragback.app.vectors.ShardsOverview;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires adapters and use cases from the configuration. Nothing is built before it is asked for, and a service
 * several others use is built once per invocation ({@link Once}), so every caller shares it.
 */
public final class Services implements AutoCloseable {
    // a migration statement (a CREATE INDEX on a big table) may take long, but not forever
    private static final Duration MIGRATION_STATEMENT_TIMEOUT = Duration.ofMinutes(30);
    private final Config config;
    private final ChildContext children;
    private final EvalServices evaluation;
    private final QdrantServices qdrant;
    private final RunServices runs;
    private final Repository repository;
    private final List<Repository> others = new ArrayList<>();
    // one session per database for the command's questions and events, closed by close()
    private final Map<PostgresConnection, HeldSession> sessions = new LinkedHashMap<>();

    private final Once<JdbcAuditLog> auditLog = new Once<>();
    private final Once<CompatService> compat = new Once<>();
    private final Once<DatabaseProbe> postgres = new Once<>();
    private final Once<AppliedMigrations> appliedMigrations = new Once<>();
    private final Once<DumpTool> dumpTool = new Once<>();
    private final Once<ReleaseSwitch> releaseSwitch = new Once<>();
    private final Once<TrafficSwitch> trafficSwitch = new Once<>();
    private final Once<ReleaseService> releases = new Once<>();
    private final Once<TrafficService> traffic = new Once<>();
    private final Once<SnapshotVerifier> snapshotVerifier = new Once<>();
    private final Once<SnapshotCatalog> snapshotCatalog = new Once<>();
    private final Once<RestoreService> restore = new Once<>();
    private final Once<VerifyService> verify = new Once<>();
    private final Once<SmokeService> smoke = new Once<>();
    private final Once<EvalService> eval = new Once<>();

    Services(Config config) {
        this(config, ChildContext.ofThisProcess());
    }

    /** Programs ragback runs start in {@code workDir} with exactly {@code env}: the invocation's, not the JVM's. */
    Services(Config config, Path workDir, Map<String, String> env) {
        this(config, new ChildContext(workDir, env));
    }

    private Services(Config config, ChildContext children) {
        LoginRefusals.startRun();
        this.config = config;
        this.children = children;
        this.evaluation = new EvalServices(config, children);
        this.qdrant = new QdrantServices(config);
        this.runs = new RunServices(config, this);
        this.repository = new Repository(config, config.get(ConfigKeys.BACKUPS_DIR), this::bucket);
    }

    /** The matrix, with the live triple read from the release switch, schema_migrations and Qdrant (each check reads them again). */
    public CompatService compat() {
        return compat.get(() -> new CompatService(config.get(ConfigKeys.COMPAT_MATRIX), new LiveSources(releaseSwitch(),
                appliedMigrations(), vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION))));
    }

    public VectorStore vectorStore() {
        return qdrant.vectorStore();
    }

    /** The Qdrant cluster's peers from qdrant.nodes, or {@code null} without it. */
    public ClusterNodes clusterNodes() {
        return qdrant.clusterNodes();
    }

    public PostgresConnection postgresConnection() {
        return new PostgresConnection(config.get(ConfigKeys.POSTGRES_HOST), config.get(ConfigKeys.POSTGRES_PORT),
                config.get(ConfigKeys.POSTGRES_USER), config.get(ConfigKeys.POSTGRES_DATABASE),
                config.get(ConfigKeys.POSTGRES_PASSWORD));
    }

    public DatabaseProbe postgres() {
        return postgres.get(() -> new JdbcDatabaseProbe(session(postgresConnection())));
    }

    private synchronized HeldSession session(PostgresConnection connection) {
        return sessions.computeIfAbsent(connection, HeldSession::new);
    }

    /** TaskDB: taskdb.url when set, otherwise the postgres.* database. */
    PostgresConnection taskDbConnection() {
        String url = config.get(ConfigKeys.TASKDB_URL);
        if (url == null) {
            return postgresConnection();
        }
        return PostgresConnection.fromJdbcUrl(url, config.get(ConfigKeys.POSTGRES_USER), config.get(ConfigKeys.POSTGRES_PASSWORD));
    }

    public DatabaseProbe taskDb() {
        return new JdbcDatabaseProbe(session(taskDbConnection()));
    }

    /** One per invocation: it keeps one TaskDB session for all events, closed by {@link #close()}. */
    public AuditLog auditLog() {
        return auditLog.get(() -> new JdbcAuditLog(session(taskDbConnection())));
    }

    public TrafficSwitch trafficSwitch() {
        return trafficSwitch.get(() -> switch (config.get(ConfigKeys.TRAFFIC_MODE)) {
            case FILE -> new FileTrafficSwitch(config.get(ConfigKeys.TRAFFIC_FILE));
            case COMMAND -> new CommandTrafficSwitch(config.get(ConfigKeys.TRAFFIC_COMMAND), children);
            case HTTP -> new HttpTrafficSwitch(config.get(ConfigKeys.TRAFFIC_URL));
        });
    }

    public TrafficService traffic() {
        return traffic.get(() -> new TrafficService(trafficSwitch(), auditLog(), LocalOperator::current));
    }

    public ReleaseSwitch releaseSwitch() {
        return releaseSwitch.get(() -> switch (config.get(ConfigKeys.RELEASE_MODE)) {
            case SYMLINK -> new SymlinkReleaseSwitch(config.get(ConfigKeys.RELEASE_DIR));
            case COMMAND -> new CommandReleaseSwitch(config.get(ConfigKeys.RELEASE_CURRENT_COMMAND),
                    config.get(ConfigKeys.RELEASE_ACTIVATE_COMMAND), config.get(ConfigKeys.RELEASE_DIR), children);
        });
    }

    public ReleaseService releases() {
        return releases.get(() -> new ReleaseService(releaseSwitch(), compat(), auditLog(), LocalOperator::current));
    }

    public AppliedMigrations appliedMigrations() {
        return appliedMigrations.get(() -> new JdbcAppliedMigrations(session(postgresConnection())));
    }

    public DumpTool dumpTool() {
        return dumpTool.get(() -> new PgDumpTool(null, postgresConnection(), children));
    }

    /** Who runs this invocation, for the audit events a command records itself. */
    public Operator operator() {
        return LocalOperator.current();
    }

    public DoctorService doctor() {
        JudgeChecks judge = evaluation.judgeMode() ? new JudgeChecks(evaluation::ragService, evaluation::chatModel,
                () -> JudgeEvaluation.sampleQuestion(config.get(ConfigKeys.EVAL_DATASET)), Clock.systemUTC()) : null;
        BackupsDirCheck backupsCheck = repository.bucket() ? new BackupsDirCheck(repository.store())
                : new BackupsDirCheck(repository.backups().root());
        return new DoctorService(new DoctorService.Subjects(vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION), postgres(),
                taskDb(), dumpTool(), compat(), backupsCheck, manifestSignature(), judge,
                clusterNodes() == null ? null : shardsOverview()),
                new RollbackReadiness(this::eval, releases(), traffic(), snapshotCatalog(), snapshotVerifier()));
    }

    /** The backups dir, or for an S3 repository this run's staging dir. */
    public BackupsDir backups() {
        return repository.backups();
    }

    /** Where the sets are: the directory or {@code s3://bucket/prefix}. */
    public String repositoryLocation() {
        return repository.location();
    }

    /** Where this run keeps local state (the journal, server snapshots): the backups dir, or the staging root for a bucket. */
    Path localState() {
        return repository.localState();
    }

    /** {@code snapshot copy}: verified copies between directories and buckets, through this run's staging dir. */
    public SetCopy setCopy() {
        return new SetCopy(dumpTool(), manifestSignature(), repository.staging());
    }

    /** One end of a copy: {@code location} (a directory or s3://...) with the backups.s3.* settings. */
    public synchronized SetCopy.Side side(String location) {
        Repository other = location.equals(repository.location()) ? repository : new Repository(config, location, this::bucket);
        if (other != repository) {
            others.add(other);
        }
        return other.bucket() ? new SetCopy.Bucket(other.objectSets(manifestSignature())) : new SetCopy.Dir(other.backups());
    }

    private BlobStore bucket(String location) {
        return S3Services.bucket(config, location, children.env());
    }

    /** Keeps this run's staging dir (S3 repository) after the run; returns it, or {@code null}. */
    public Path keepStaging() {
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
        SnapshotCreator creator = new SnapshotCreator(backups(), new SnapshotCreator.Sources(vectorStore(), postgres(), dumpTool(),
                appliedMigrations(), releaseSwitch()), snapshotSettings(), VersionProvider.version(), Clock.systemUTC(),
                manifestSignature()).withCluster(clusterNodes(), config.get(ConfigKeys.QDRANT_PARALLEL_SHARDS));
        return repository.bucket() ? creator.uploadingTo(repository.objectSets(manifestSignature())) : creator;
    }

    /** Signs and checks manifests with RAGBACK_SIGNING_KEY; does neither when it is unset. */
    public ManifestSignature manifestSignature() {
        return ManifestSignature.of(config.get(ConfigKeys.SNAPSHOT_SIGNING_KEY));
    }

    public SnapshotVerifier snapshotVerifier() {
        return snapshotVerifier.get(() -> repository.bucket()
                ? new SnapshotVerifier(backups(), dumpTool(), repository.objectSets(manifestSignature()))
                : new SnapshotVerifier(backups(), dumpTool(), manifestSignature()));
    }

    public SnapshotCatalog snapshotCatalog() {
        return snapshotCatalog.get(() -> repository.bucket()
                ? new SnapshotCatalog(repository.objectSets(manifestSignature()), snapshotVerifier(), Clock.systemUTC())
                : new SnapshotCatalog(backups(), snapshotVerifier(), Clock.systemUTC()));
    }

    public CollectionDrop collectionDrop() {
        return new CollectionDrop(vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION), auditLog(), LocalOperator::current);
    }

    public CollectionsOverview collectionsOverview() {
        return new CollectionsOverview(vectorStore());
    }

    public ShardsOverview shardsOverview() {
        return new ShardsOverview(vectorStore(), clusterNodes());
    }

    /** The probe rule of smoke and verify: smoke.min_overlap and smoke.score_tolerance. */
    public ProbeComparison probeComparison() {
        return new ProbeComparison(config.get(ConfigKeys.SMOKE_MIN_OVERLAP), config.get(ConfigKeys.SMOKE_SCORE_TOLERANCE));
    }

    /** Smoke checks; the schema check requires postgres.chunks_table. */
    public SmokeService smoke() {
        return smoke.get(() -> {
            List<SmokeService.HttpTarget> http = config.get(ConfigKeys.SMOKE_HTTP).stream()
                    .map(check -> new SmokeService.HttpTarget(check.name(), check.url(), check.expectStatus())).toList();
            return new SmokeService(new SmokeService.Subjects(postgres(), vectorStore(), snapshotCatalog(), compat(), new JdkHttpProbe()),
                    new SmokeService.Settings(config.get(ConfigKeys.QDRANT_COLLECTION),
                            List.of(config.get(ConfigKeys.POSTGRES_CHUNKS_TABLE)), probeComparison(), http));
        });
    }

    public EvalService eval() {
        return eval.get(evaluation::eval);
    }

    /** eval-quick: the evaluation beside the newest golden set's recorded baseline. */
    public EvalQuickService evalQuick() {
        return new EvalQuickService(eval(), snapshotCatalog());
    }

    public RestoreService restore() {
        return restore.get(() -> {
            // from a bucket: the set is downloaded into staging, and verified there like a local set before any restore
            RestoreService built = new RestoreService(new RestoreService.Sets(backups(), new SnapshotVerifier(backups(), dumpTool(),
                    manifestSignature()), snapshotCatalog()), new RestoreService.Live(appliedMigrations(), dumpTool(), vectorStore(),
                    releaseSwitch(), compat()), new RestoreService.Settings(config.get(ConfigKeys.QDRANT_COLLECTION),
                    config.get(ConfigKeys.POSTGRES_JOBS), config.get(ConfigKeys.QDRANT_GREEN_TIMEOUT), probeComparison()))
                    .withCluster(clusterNodes(), config.get(ConfigKeys.QDRANT_PARALLEL_SHARDS),
                            config.get(ConfigKeys.QDRANT_REPLICAS_TIMEOUT));
            return repository.bucket() ? built.stagingFrom(repository.objectSets(manifestSignature())) : built;
        });
    }

    public ServerSnapshotRecovery serverSnapshotRecovery() {
        return new ServerSnapshotRecovery(vectorStore(), repository.localState());
    }

    /** snapshot restore: restore and verify, under the run lock that rollback auto takes too. */
    public VerifiedRestore verifiedRestore() {
        return runs.verifiedRestore();
    }

    public RollbackService rollback() {
        return runs.rollback();
    }

    public VerifyService verify() {
        return verify.get(() -> new VerifyService(snapshotCatalog(), postgres(), vectorStore(), probeComparison(),
                config.get(ConfigKeys.QDRANT_COLLECTION), config.get(ConfigKeys.POSTGRES_CHUNKS_TABLE)).withCluster(clusterNodes()));
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
        return runs.postmortem();
    }

    @Override
    public synchronized void close() {
        // the audit log's session is one of these
        sessions.values().forEach(HeldSession::close);
        repository.close();
        others.forEach(Repository::close);
    }
}
