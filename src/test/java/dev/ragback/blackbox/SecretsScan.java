package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.cli.Cli;
import dev.ragback.cli.Session;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.http.Receiver;
import dev.ragback.testing.judge.FakeOpenAiServer;
import dev.ragback.testing.judge.FakeRagService;
import dev.ragback.testing.judge.JudgeFixture;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ScramSecret;
import dev.ragback.testing.pg.ThrowawayPostgres;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.RecordedRequest;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3Proxy;
import dev.ragback.testing.s3.S3ProxyExtension;
import dev.ragback.testing.secrets.ArgvSampler;
import dev.ragback.testing.secrets.SecretScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secrets scan (issue 8 item 6): ragback run with distinctive secrets in its environment against PostgreSQL,
 * the Qdrant double, s3proxy, Slack, a Pushgateway, a judge and a RAG service; then stdout, stderr, every file the
 * runs left, every TaskDB row, every request those servers got and the argv of ragback and all its child processes
 * are scanned. The plan ({@link SecretsScanPlan}) covers every registered command; each subclass runs one part of it.
 */
@ExtendWith({PostgresExtension.class, S3ProxyExtension.class})
@BlackBox
abstract class SecretsScan {
    private static final String ROLE = "ragscan";
    private static final String TASKDB_ROLE = "ragscan_taskdb";
    private static final int CHUNKS = 300;

    @TempDir
    Path work;
    private final String pgPassword = "pg-SECRET-" + random();
    private final String taskdbPassword = "taskdb-SECRET-" + random();
    private final String qdrantKey = "qdrant-SECRET-" + random();
    private final String slackToken = "slack-SECRET-" + random();
    private final String judgeKey = "judge-SECRET-" + random();
    private final String ragAuth = "rag-SECRET-" + random();
    private final String signingKey = "signing-SECRET-" + random() + random();
    private final String pushPassword = "pushgw-SECRET-" + random();

    private PgDatabase db;
    private S3Bucket bucket;
    private QdrantDouble qdrant;
    private Receiver slack;
    private Receiver pushgateway;
    private FakeOpenAiServer judge;
    private FakeRagService rag;
    private RagbackCli cli;
    private SecretScanner scan;
    private final Map<String, String> baseEnv = new LinkedHashMap<>();
    private ScannedRuns runs;

    @BeforeEach
    void startTheServersAndPlantTheSecrets(PgDatabase db, S3Bucket bucket) throws Exception {
        this.db = db;
        this.bucket = bucket;
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events, ragback_leases, dump_gate CASCADE");
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, CHUNKS);
        RagFixtures.createTaskEvents(db);
        sql("DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "ALTER ROLE " + ROLE + " PASSWORD '" + ScramSecret.of(pgPassword) + "'",
                "DO $$ BEGIN CREATE ROLE " + TASKDB_ROLE + " LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "ALTER ROLE " + TASKDB_ROLE + " PASSWORD '" + ScramSecret.of(taskdbPassword) + "'");
        qdrant = new QdrantDouble(qdrantKey);
        RagFixtures.loadPoints(qdrant, CHUNKS);
        slack = new Receiver();
        pushgateway = new Receiver();
        SecretsScanPlan.prepare(work);
        JudgeFixture answers = JudgeFixture.read(SecretsScanPlan.JUDGE_DATASET);
        judge = new FakeOpenAiServer(answers).requireKey(judgeKey);
        rag = new FakeRagService(answers).requireAuth("Bearer " + ragAuth);
        SecretsScanPlan.judgeConfig(work, rag.url(), judge.baseUrl());

        baseEnv.putAll(db.env());
        baseEnv.put("PGUSER", ROLE);
        baseEnv.put("PGPASSWORD", pgPassword);
        baseEnv.put("TASKDB_URL", taskdbUrl(ThrowawayPostgres.shared().port(), taskdbPassword));
        baseEnv.put("QDRANT_URL", qdrant.url().toString());
        baseEnv.put("QDRANT_API_KEY", qdrantKey);
        baseEnv.put("SLACK_WEBHOOK", slackWebhook());
        baseEnv.put("PUSHGATEWAY_URL", "http://ragback:" + pushPassword + "@127.0.0.1:" + pushgateway.url("").getPort() + "/");
        baseEnv.put("EVAL_JUDGE_API_KEY", judgeKey);
        baseEnv.put("EVAL_RAG_AUTH", "Bearer " + ragAuth);
        baseEnv.put("RAGBACK_SIGNING_KEY", signingKey);
        cli = RagbackCli.create().workDir(work).env(baseEnv);
        scan = new SecretScanner().secret("PGPASSWORD", pgPassword).secret("TASKDB_URL password", taskdbPassword)
                .secret("QDRANT_API_KEY", qdrantKey).secret("SLACK_WEBHOOK", slackWebhook()).secret("SLACK_WEBHOOK token", slackToken)
                .secret("EVAL_JUDGE_API_KEY", judgeKey).secret("EVAL_RAG_AUTH", ragAuth).secret("RAGBACK_SIGNING_KEY", signingKey)
                .secret("PUSHGATEWAY_URL password", pushPassword)
                .secret("harness PostgreSQL password", ThrowawayPostgres.shared().password())
                .secret("AWS_SECRET_ACCESS_KEY (s3proxy)", S3Proxy.SECRET_KEY);
        runs = new ScannedRuns(cli, scan, baseEnv);
    }

    @AfterEach
    void stopTheServers() {
        qdrant.close();
        slack.close();
        pushgateway.close();
        judge.close();
        rag.close();
    }

    private String slackWebhook() {
        return slack.url("/services/T0SCAN/B0SCAN/" + slackToken).toString();
    }

    String taskdbUrl(int port, String password) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db.name() + "?user=" + TASKDB_ROLE + "&password=" + password;
    }

    /**
     * Runs one part of the plan after checking that the whole plan covers exactly the registered commands; then
     * scans everything the runs left for the secrets, checks that the scan saw ragback's argv, TaskDB rows, keyed
     * Qdrant requests and the argv of {@code programs}, and that it can find a planted secret. Returns a summary.
     */
    String scanAfter(Map<String, List<ScannedRuns.Invocation>> part, List<String> programs) throws Exception {
        Set<String> planned = new SecretsScanPlan(this).plannedCommands();
        Set<String> commands = registeredCommands();
        Set<String> unplanned = new LinkedHashSet<>(commands);
        unplanned.removeAll(planned);
        assertEquals(Set.of(), unplanned, "registered commands without a secrets-scan plan: add them to SecretsScanPlan");
        Set<String> stale = new LinkedHashSet<>(planned);
        stale.removeAll(commands);
        assertEquals(Set.of(), stale, "planned commands that are not registered");

        for (List<ScannedRuns.Invocation> invocations : part.values()) {
            for (ScannedRuns.Invocation invocation : invocations) {
                runs.execute(invocation);
            }
        }
        collectEverythingElse();

        List<SecretScanner.Hit> hits = scan.hits();
        Map<String, Integer> counts = scan.countsByKind();
        int artifacts = counts.values().stream().mapToInt(Integer::intValue).sum();
        String summary = artifacts + " artifacts " + counts + " from " + runs.count() + " runs of " + part.size() + " commands";
        System.out.println("secrets scan: " + summary + ", " + hits.size() + " hits");
        assertEquals(List.of(), hits.stream().map(SecretScanner.Hit::toString).toList(), summary);

        assertTrue(counts.getOrDefault("TaskDB row", 0) > 0 && counts.getOrDefault("ragback argv", 0) > 0, counts.toString());
        assertTrue(qdrant.requests().stream().allMatch(r -> qdrantKey.equals(r.header("api-key")) || wrong(qdrantKey).equals(r.header("api-key"))),
                "every Qdrant request carries the key (or the wrong one) as api-key");
        for (String program : programs) {
            assertTrue(runs.childArgv().stream().anyMatch(a -> a.cmdline().contains(program)), "never saw the argv of " + program);
        }
        proveTheScanCanFail();
        return hits.size() + " hits in " + summary;
    }

    /** Every command path of the picocli tree ("" is ragback itself), built as the product builds it. */
    private static Set<String> registeredCommands() {
        Session session = new Session(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(), false, () -> null);
        CommandLine root = Cli.fullTree(session);
        Set<String> paths = new LinkedHashSet<>();
        walk(root, "", paths);
        return paths;
    }

    private static void walk(CommandLine command, String path, Set<String> paths) {
        paths.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                walk(sub, (path.isEmpty() ? "" : path + " ") + name, paths);
            }
        });
    }

    /** Files left under the work dir and HOME, every table's rows, every request Slack, the Pushgateway and Qdrant got. */
    private void collectEverythingElse() throws Exception {
        scan.addFiles("file", work);
        scan.addFiles("home file", cli.home());
        for (String table : tables()) {
            for (List<String> row : rows("SELECT t::text FROM " + table + " t")) {
                scan.add("TaskDB row", table, row.get(0));
            }
        }
        for (Receiver.Received request : slack.received()) {
            // the webhook URL is where Slack messages go: its path is the one place the token belongs
            scan.add("Slack request", request.method() + " (body, query, headers)", request.body() + "\n" + request.query() + "\n"
                    + request.headers());
        }
        for (Receiver.Received request : pushgateway.received()) {
            Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
            // basic auth is how the Pushgateway password is meant to travel
            headers.remove("authorization");
            scan.add("metrics push", request.method() + " " + request.path(), request.path() + "\n" + request.query() + "\n"
                    + headers + "\n" + request.body());
        }
        for (FakeOpenAiServer.Recorded request : judge.recorded()) {
            Map<String, List<String>> headers = new LinkedHashMap<>(request.requestHeaders());
            // the Authorization header is where the judge's key belongs
            headers.remove("authorization");
            scan.add("judge request", "POST /v1/chat/completions", request.requestBody() + "\n" + headers);
        }
        for (FakeRagService.Received request : rag.received()) {
            Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
            headers.remove("authorization");
            scan.add("RAG service request", "POST /ask", request.body() + "\n" + headers);
        }
        for (RecordedRequest request : qdrant.requests()) {
            Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
            headers.remove("api-key");
            scan.add("Qdrant request", request.toString(), request + "\n" + headers);
        }
    }

    /** What a rollback, eval-quick (judge mode) and the metrics leave behind was really seen, so zero hits there means something. */
    void assertTheRollbackAndJudgeRunsWereSeen() throws Exception {
        assertFalse(slack.received("/services/").isEmpty(), "no Slack message was sent");
        assertTrue(slack.received("/services/").stream().anyMatch(r -> r.body().contains("rollback_")), "Slack bodies name the run");
        assertFalse(pushgateway.received("/metrics/job/ragback").isEmpty(), "no metrics push");
        assertTrue(pushgateway.received("/metrics/job/ragback").stream().allMatch(r -> r.headers().containsKey("authorization")),
                "the Pushgateway password travels as basic auth");
        assertTrue(Files.readString(work.resolve("ops/metrics/ragback.prom")).contains("rag_rollback_total"), "textfile metrics written");
        assertFalse(judge.recorded().isEmpty(), "eval-quick in judge mode asked the judge nothing");
        assertTrue(judge.recorded().stream().allMatch(r -> List.of("Bearer " + judgeKey).equals(r.requestHeaders().get("authorization"))
                        || List.of("Bearer wrong-judge-key").equals(r.requestHeaders().get("authorization"))),
                "the judge's key (or the wrong one) travels as Authorization: Bearer");
        assertTrue(rag.received().stream().allMatch(r -> List.of("Bearer " + ragAuth).equals(r.headers().get("authorization"))),
                "EVAL_RAG_AUTH travels as the RAG service's Authorization header");
        try (Stream<Path> audits = Files.list(work.resolve("ops/state/eval"))) {
            assertTrue(audits.findAny().isPresent(), "judge mode wrote its audit file into the scanned work dir");
        }
        String judgeKeySeen = Files.readString(work.resolve("judge-key.sha256")).strip();
        assertEquals(sha256(judgeKey), judgeKeySeen, "the eval command gets EVAL_JUDGE_API_KEY through its environment");
    }

    /** The same collectors and scanner find a secret planted in each kind of place, so zero hits means something. */
    private void proveTheScanCanFail() throws Exception {
        SecretScanner.Artifact stdout = scan.artifacts().get(0);
        for (String secret : List.of(pgPassword, slackToken, qdrantKey, judgeKey, ragAuth)) {
            List<SecretScanner.Artifact> planted = List.of(new SecretScanner.Artifact("stdout", "planted", stdout.text() + "\n" + secret));
            assertFalse(scan.hits(planted).isEmpty(), "the scanner misses " + secret);
        }
        String masked = "key=***" + signingKey.substring(signingKey.lastIndexOf('-') + 1);
        assertFalse(scan.hits(List.of(new SecretScanner.Artifact("x", "tail", masked))).isEmpty(), "the scanner misses a secret's tail");

        Files.writeString(work.resolve("ops/planted.log"), "webhook " + slackWebhook() + "\n");
        db.execute("INSERT INTO task_events (task_id, event_type, metadata) VALUES ('planted', 'planted', "
                + "'{\"key\": \"" + judgeKey + "\"}')");
        SecretScanner replay = new SecretScanner().secret("SLACK_WEBHOOK token", slackToken).secret("EVAL_JUDGE_API_KEY", judgeKey)
                .secret("PGPASSWORD", pgPassword);
        replay.addFiles("file", work);
        for (List<String> row : rows("SELECT t::text FROM task_events t")) {
            replay.add("TaskDB row", "task_events", row.get(0));
        }
        Process planted = new ProcessBuilder("sh", "-c", "sleep 1 & wait", "planted", pgPassword).start();
        try (ArgvSampler sampler = ArgvSampler.start(planted.toHandle(), ScannedRuns.SAMPLE_EVERY)) {
            planted.waitFor();
            sampler.seen().forEach(a -> replay.add("child argv", "planted", a.cmdline()));
        }
        Set<String> found = new LinkedHashSet<>();
        replay.hits().forEach(hit -> found.add(hit.artifact().kind() + ": " + hit.secret()));
        assertEquals(Set.of("file: SLACK_WEBHOOK token", "TaskDB row: EVAL_JUDGE_API_KEY", "child argv: PGPASSWORD"), found);
        Files.delete(work.resolve("ops/planted.log"));
        db.execute("DELETE FROM task_events WHERE task_id = 'planted'");
    }

    String serverSnapshot() {
        try {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(qdrant.url() + "/collections/rag_main_v2/snapshots?wait=true")).header("api-key", qdrantKey)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, created.statusCode(), created.body());
            return new ObjectMapper().readTree(created.body()).at("/result/name").asText();
        } catch (Exception e) {
            throw new AssertionError("cannot create a server-side snapshot", e);
        }
    }

    String newestSet() {
        try (Stream<Path> sets = Files.list(work.resolve("backups"))) {
            return sets.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{8}-\\d{6}")).max(String::compareTo).orElseThrow();
        } catch (Exception e) {
            throw new AssertionError("no snapshot set", e);
        }
    }

    String rollbackRun() {
        try {
            return rows("SELECT task_id FROM task_events WHERE event_type = 'rollback_finished' ORDER BY id DESC LIMIT 1").get(0).get(0);
        } catch (Exception e) {
            throw new AssertionError("no finished rollback run", e);
        }
    }

    Path work() {
        return work;
    }

    /** The test's s3proxy bucket: the SDK's credentials in the environment, and the flags that point ragback at it. */
    S3Bucket bucket() {
        return bucket;
    }

    String wrong(String secret) {
        return "wrong" + secret;
    }

    /** Registers a value the test itself hands to a run as one more secret to look for. */
    String alsoSecret(String name, String value) {
        scan.secret(name, value);
        return value;
    }

    String pgPassword() {
        return pgPassword;
    }

    String ragAuth() {
        return ragAuth;
    }

    String qdrantKey() {
        return qdrantKey;
    }

    String slackToken() {
        return slackToken;
    }

    String taskdbPassword() {
        return taskdbPassword;
    }

    private List<String> tables() throws Exception {
        List<String> tables = new ArrayList<>();
        for (List<String> row : rows("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                + "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
            tables.add(row.get(0));
        }
        return tables;
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = db.connection().open(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private List<List<String>> rows(String query) {
        return db.rows(query);
    }

    private static String random() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
