package dev.ragback.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every configuration key ragback knows (SPEC section 2). Unknown keys are an error. */
public final class ConfigKeys {
    private static final Map<String, Key<?>> ALL = new LinkedHashMap<>();

    public static final Key<URI> QDRANT_URL = key("qdrant.url", "QDRANT_URL", "http://localhost:6333", Parsers.httpUrl());
    /** The REST URL of every peer of a Qdrant cluster; unset for a single node (qdrant.url). */
    public static final Key<List<URI>> QDRANT_NODES = key("qdrant.nodes", "QDRANT_NODES", null, Parsers.httpUrls());
    public static final Key<Integer> QDRANT_PARALLEL_SHARDS = key("qdrant.parallel_shards", null, "2", Parsers.integer(1, 64));
    public static final Key<Duration> QDRANT_REPLICAS_TIMEOUT = key("qdrant.replicas_timeout", null, "5m", Parsers.duration());
    public static final Key<String> QDRANT_API_KEY = secret("qdrant.api_key", "QDRANT_API_KEY", Parsers.text());
    public static final Key<String> QDRANT_COLLECTION = key("qdrant.collection", "QDRANT_COLLECTION", "rag_main", Parsers.name());
    public static final Key<Duration> QDRANT_TIMEOUT = key("qdrant.timeout", null, "30s", Parsers.duration());
    public static final Key<Duration> QDRANT_TRANSFER_IDLE_TIMEOUT = key("qdrant.transfer_idle_timeout", null, "120s", Parsers.duration());
    public static final Key<Duration> QDRANT_GREEN_TIMEOUT = key("qdrant.green_timeout", null, "5m", Parsers.duration());
    public static final Key<String> QDRANT_VECTOR_NAME = key("qdrant.vector_name", null, null, Parsers.text());
    public static final Key<Boolean> QDRANT_DELETE_SERVER_SNAPSHOT = key("qdrant.delete_server_snapshot", null, "true", Parsers.bool());

    public static final Key<String> POSTGRES_HOST = key("postgres.host", "PGHOST", "localhost", Parsers.text());
    public static final Key<Integer> POSTGRES_PORT = key("postgres.port", "PGPORT", "5432", Parsers.integer(1, 65535));
    public static final Key<String> POSTGRES_USER = key("postgres.user", "PGUSER", "rag", Parsers.text());
    public static final Key<String> POSTGRES_DATABASE = key("postgres.database", "PGDATABASE", "ragdb", Parsers.name());
    public static final Key<String> POSTGRES_PASSWORD = secret("postgres.password", "PGPASSWORD", Parsers.text());
    public static final Key<DumpFormat> POSTGRES_DUMP_FORMAT = key("postgres.dump_format", null, "custom", Parsers.oneOf(DumpFormat.class));
    public static final Key<Integer> POSTGRES_JOBS = key("postgres.jobs", null, "1", Parsers.integer(1, 64));
    public static final Key<Integer> POSTGRES_COMPRESS = key("postgres.compress", null, "1", Parsers.integer(0, 9));
    public static final Key<String> POSTGRES_CHUNKS_TABLE = key("postgres.chunks_table", null, "rag_chunks", Parsers.name());

    public static final Key<String> TASKDB_URL = key("taskdb.url", "TASKDB_URL", null, Parsers.jdbcUrl());

    public static final Key<String> BACKUPS_DIR = key("backups.dir", "RAGBACK_BACKUPS", "backups", Parsers.backupsLocation());
    public static final Key<Path> BACKUPS_STAGING = key("backups.staging", null, null, Parsers.path());
    public static final Key<URI> BACKUPS_S3_ENDPOINT = key("backups.s3.endpoint", null, null, Parsers.httpUrl());
    public static final Key<String> BACKUPS_S3_REGION = key("backups.s3.region", "AWS_REGION", "us-east-1", Parsers.text());
    public static final Key<Boolean> BACKUPS_S3_PATH_STYLE = key("backups.s3.path_style", null, "false", Parsers.bool());
    public static final Key<String> BACKUPS_S3_SSE = key("backups.s3.sse", null, null, Parsers.oneOfWords("AES256", "aws:kms"));
    public static final Key<String> BACKUPS_S3_KMS_KEY_ID = key("backups.s3.kms_key_id", null, null, Parsers.text());
    public static final Key<Long> BACKUPS_S3_PART_SIZE = key("backups.s3.part_size", null, "64MiB", Parsers.byteSize(5L << 20, 2L << 30));
    public static final Key<Integer> BACKUPS_KEEP = key("backups.keep", null, "10", Parsers.integer(1, 10_000));
    public static final Key<String> SNAPSHOT_SIGNING_KEY = secret("snapshot.signing_key", "RAGBACK_SIGNING_KEY", Parsers.text());

    public static final Key<Path> COMPAT_MATRIX = key("compat.matrix", null, "compat/matrix.md", Parsers.path());
    public static final Key<Path> MIGRATIONS_DIR = key("migrations.dir", null, "ops/migrations", Parsers.path());

    public static final Key<TrafficMode> TRAFFIC_MODE = key("traffic.mode", null, "file", Parsers.oneOf(TrafficMode.class));
    public static final Key<Path> TRAFFIC_FILE = key("traffic.file", null, "ops/state/traffic", Parsers.path());
    public static final Key<List<String>> TRAFFIC_COMMAND = key("traffic.command", null, null, Parsers.argv());
    public static final Key<URI> TRAFFIC_URL = key("traffic.url", null, null, Parsers.httpUrl());

    public static final Key<ReleaseMode> RELEASE_MODE = key("release.mode", null, "symlink", Parsers.oneOf(ReleaseMode.class));
    public static final Key<Path> RELEASE_DIR = key("release.dir", null, "ops/releases", Parsers.path());
    public static final Key<List<String>> RELEASE_CURRENT_COMMAND = key("release.current_command", null, null, Parsers.argv());
    public static final Key<List<String>> RELEASE_ACTIVATE_COMMAND = key("release.activate_command", null, null, Parsers.argv());

    public static final Key<Integer> SMOKE_PROBES = key("smoke.probes", null, "5", Parsers.integer(1, 100));
    public static final Key<Integer> SMOKE_K = key("smoke.k", null, "5", Parsers.integer(1, 100));
    public static final Key<Double> SMOKE_MIN_OVERLAP = key("smoke.min_overlap", null, "0.8", Parsers.decimal(0, 1));
    public static final Key<Double> SMOKE_SCORE_TOLERANCE = key("smoke.score_tolerance", null, "0.05", Parsers.decimal(0, 1));
    public static final Key<List<HttpCheck>> SMOKE_HTTP = key("smoke.http", null, "[]", Parsers.httpChecks());

    public static final Key<EvalMode> EVAL_MODE = key("eval.mode", null, "command", Parsers.oneOf(EvalMode.class));
    public static final Key<List<String>> EVAL_COMMAND = key("eval.command", null, null, Parsers.argv());
    public static final Key<Duration> EVAL_TIMEOUT = key("eval.timeout", null, "10m", Parsers.duration());
    public static final Key<Integer> EVAL_QUERIES = key("eval.queries", null, "20", Parsers.integer(1, 100_000));
    public static final Key<Map<String, Double>> EVAL_THRESHOLDS = key("eval.thresholds", null, "{faithfulness: 0.80}", Parsers.thresholds());
    public static final Key<Double> EVAL_MAX_INVALID = key("eval.max_invalid", null, "0.10", Parsers.decimal(0, 1));
    public static final Key<Path> EVAL_DATASET = key("eval.dataset", null, "ops/eval/quick.jsonl", Parsers.path());
    public static final Key<URI> EVAL_RAG_URL = key("eval.rag_url", null, null, Parsers.httpUrl());
    public static final Key<URI> EVAL_JUDGE_URL = key("eval.judge_url", null, null, Parsers.httpUrl());
    public static final Key<String> EVAL_RAG_ANSWER_POINTER = key("eval.rag_answer_pointer", null, "/answer", Parsers.jsonPointer());
    public static final Key<String> EVAL_RAG_CONTEXTS_POINTER = key("eval.rag_contexts_pointer", null, "/contexts", Parsers.jsonPointer());
    public static final Key<String> EVAL_RAG_AUTH = secret("eval.rag_auth", "EVAL_RAG_AUTH", Parsers.text());
    public static final Key<String> EVAL_JUDGE_MODEL = key("eval.judge_model", null, null, Parsers.text());
    public static final Key<String> EVAL_JUDGE_API_KEY = secret("eval.judge_api_key", "EVAL_JUDGE_API_KEY", Parsers.text());
    public static final Key<Integer> EVAL_JUDGE_MAX_TOKENS = key("eval.judge_max_tokens", null, "2048", Parsers.integer(16, 1_000_000));
    public static final Key<Integer> EVAL_JUDGE_SEED = key("eval.judge_seed", null, "42", Parsers.integer(0, Integer.MAX_VALUE));
    public static final Key<Integer> EVAL_CONCURRENCY = key("eval.concurrency", null, "4", Parsers.integer(1, 64));
    public static final Key<Integer> EVAL_RETRIES = key("eval.retries", null, "3", Parsers.integer(0, 10));
    public static final Key<Path> EVAL_AUDIT_DIR = key("eval.audit_dir", null, "ops/state/eval", Parsers.path());

    public static final Key<Path> NOTIFY_TEMPLATE = key("notify.template", null, "ops/templates/slack-rollback.json", Parsers.path());
    public static final Key<URI> NOTIFY_SLACK_WEBHOOK = secret("notify.slack_webhook", "SLACK_WEBHOOK", Parsers.httpUrl());
    /** Per attempt (connect and answer) of the Slack webhook; SPEC section 9 fixes the default, 5 s. */
    public static final Key<Duration> NOTIFY_SLACK_TIMEOUT = key("notify.slack_timeout", null, "5s", Parsers.duration());

    public static final Key<Path> POSTMORTEM_TEMPLATE = key("postmortem.template", null, "ops/templates/postmortem.md", Parsers.path());
    public static final Key<Path> POSTMORTEM_DIR = key("postmortem.dir", null, "ops/postmortems", Parsers.path());

    public static final Key<URI> METRICS_PUSHGATEWAY = key("metrics.pushgateway", "PUSHGATEWAY_URL", null, Parsers.httpUrl());
    public static final Key<Path> METRICS_TEXTFILE = key("metrics.textfile", null, null, Parsers.path());

    private ConfigKeys() {
    }

    /** Every key, in documentation order. */
    public static List<Key<?>> all() {
        return List.copyOf(ALL.values());
    }

    /** The key with this dotted name, or {@code null}. */
    public static Key<?> byName(String name) {
        return ALL.get(name);
    }

    /** True when {@code name} is a section such as {@code qdrant}. */
    public static boolean isSection(String name) {
        return ALL.keySet().stream().anyMatch(k -> k.startsWith(name + "."));
    }

    private static <T> Key<T> key(String name, String env, String defaultText, Key.ValueParser<T> parser) {
        return register(new Key<>(name, env, false, false, defaultText, parser));
    }

    private static <T> Key<T> secret(String name, String env, Key.ValueParser<T> parser) {
        return register(new Key<>(name, env, true, true, null, parser));
    }

    private static <T> Key<T> register(Key<T> key) {
        ALL.put(key.name(), key);
        return key;
    }
}
