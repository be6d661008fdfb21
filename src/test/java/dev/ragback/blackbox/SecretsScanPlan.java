package dev.ragback.blackbox;

import dev.ragback.blackbox.ScannedRuns.Invocation;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the secrets scan runs for each registered command, in two parts that need nothing of each other
 * ({@link SecretsScanReliabilityIT}: the commands that read or configure; {@link SecretsScanRestoreReliabilityIT}:
 * sets, restores, rollbacks and what reads their traces). Within a part, in order: later commands need the
 * sets, green releases and runs earlier ones made. Each normal invocation runs once with -vv and once with
 * --json -vv, plus failing paths with wrong or unreachable secrets.
 */
final class SecretsScanPlan {
    static final int ANY_FAILURE = -2;
    static final Path JUDGE_DATASET = RagbackCli.projectDir().resolve("src/test/resources/dev/ragback/judge/score-check.jsonl");

    private final SecretsScan test;
    private Map<String, List<Invocation>> plan = new LinkedHashMap<>();

    SecretsScanPlan(SecretsScan test) {
        this.test = test;
    }

    /** Every command path either part runs ("" is ragback itself). */
    Set<String> plannedCommands() {
        Set<String> planned = new LinkedHashSet<>(readAndConfigure().keySet());
        planned.addAll(setsRestoresAndRollbacks().keySet());
        return planned;
    }

    /** ragback itself, doctor, compat, migrate, release, traffic, qdrant, help and completion. */
    Map<String, List<Invocation>> readAndConfigure() {
        String commands = test.work().resolve("commands.yaml").toString();
        plan = new LinkedHashMap<>();
        root();
        // exit 1: no golden set yet, so doctor says a rollback could not run (its readiness checks)
        both("doctor", 1);
        failing("doctor", Map.of("PGPASSWORD", test.alsoSecret("wrong PGPASSWORD", test.wrong(test.pgPassword()))));
        failing("doctor", Map.of("TASKDB_URL", taskdb(test.alsoSecret("wrong TASKDB_URL password", test.wrong(test.taskdbPassword())))));
        failing("doctor", Map.of("TASKDB_URL", test.taskdbUrl(1, test.taskdbPassword())));
        failing("doctor", Map.of("QDRANT_API_KEY", test.alsoSecret("wrong QDRANT_API_KEY", test.wrong(test.qdrantKey()))));
        secretOnCommandLine("doctor", "--set", "qdrant.api_key=" + test.qdrantKey());
        secretOnCommandLine("doctor", "--set", "postgres.password=" + test.pgPassword());
        add("doctor", Map.of(), () -> List.of("--config", configWithSecret().toString(), "doctor"), 2, false);

        group("compat");
        both("compat show", 0);
        both("compat lint", 0);
        both("compat check", 0);
        both("compat gate", 3, "--binary", "v2.0.0", "--schema", "v1.1.0", "--collection", "rag_main_v2");

        group("migrate");
        both("migrate status", 0);
        failing("migrate status", Map.of("PGPASSWORD", test.wrong(test.pgPassword())));
        both("migrate verify", 0);
        failing("migrate verify", Map.of("PGPASSWORD", test.wrong(test.pgPassword())));
        both("migrate down", 0, "--to", "v1.0.0", "--yes");
        both("migrate up", 0);

        group("release");
        both("release mark-green", 0, "v1.0.0");
        both("release mark-green", 0, "v1.1.0");
        both("release list", 0);
        once("release list", 0, "--config", commands);
        both("release current", 0);
        once("release current", 0, "--config", commands);

        group("traffic");
        both("traffic status", 0);
        both("traffic set", 0, "50", "--yes");
        once("traffic set", 0, "40", "--yes", "--config", commands);
        once("traffic status", 0, "--config", commands);

        group("qdrant");
        both("qdrant collections", 0);
        failing("qdrant collections", Map.of("QDRANT_API_KEY", test.wrong(test.qdrantKey())));
        both("qdrant snapshots", 0);
        both("qdrant drop", 1, "rag_not_there", "--yes");
        for (String variant : List.of("-vv", "--json")) {
            add("qdrant recover", Map.of(), () -> List.of(variant, "qdrant", "recover", test.serverSnapshot(), "--yes"), 0, false);
        }
        both("qdrant prune-snapshots", 0, "--dry-run");
        both("qdrant prune-snapshots", 0, "--yes");
        failing("qdrant prune-snapshots", Map.of("QDRANT_API_KEY", test.wrong(test.qdrantKey())), "--yes");
        failing("qdrant switch-alias", Map.of(), "rag_main", "rag_not_there", "--yes");
        failing("qdrant switch-alias", Map.of("QDRANT_API_KEY", test.wrong(test.qdrantKey())), "rag_main", "rag_not_there", "--yes");
        // a single node: exit 2 naming qdrant.nodes; with qdrant.nodes on a node that does not answer: exit 1
        both("qdrant shards", 2);
        failing("qdrant shards", Map.of("QDRANT_NODES", "http://127.0.0.1:9"));

        once("help", 0);
        once("help", 0, "options");
        once("completion", 0, "bash");
        return plan;
    }

    /** snapshot, smoke, verify, eval-quick, revert, rollback, history and postmortem, after marking the releases green. */
    Map<String, List<Invocation>> setsRestoresAndRollbacks() {
        String commands = test.work().resolve("commands.yaml").toString();
        plan = new LinkedHashMap<>();
        once("release mark-green", 0, "v1.0.0");
        once("release mark-green", 0, "v1.1.0");

        group("snapshot");
        both("snapshot create", 0, "--golden", "--label", "secrets scan");
        failing("snapshot create", Map.of("PGPASSWORD", test.wrong(test.pgPassword())));
        failing("snapshot create", Map.of("QDRANT_API_KEY", test.wrong(test.qdrantKey())));
        both("snapshot list", 0);
        both("snapshot verify", 0, "--all", "--deep");
        for (String variant : List.of("-vv", "--json")) {
            add("snapshot promote", Map.of(), () -> List.of(variant, "snapshot", "promote", test.newestSet()), 0, false);
        }
        both("snapshot restore", 0, "--golden", "--dry-run");
        failing("snapshot restore", Map.of("PGPASSWORD", test.wrong(test.pgPassword())), "--golden", "--only", "postgres", "--yes");
        both("snapshot restore", 0, "--golden", "--yes");
        both("snapshot prune", 0, "--keep", "5", "--dry-run");
        both("snapshot prune", 0, "--keep", "5", "--yes");
        // an S3 repository: the SDK's credentials in the environment and a bucket endpoint that does not answer
        Map<String, String> aws = Map.of("AWS_ACCESS_KEY_ID", "AKIARAGBACKSCAN0001",
                "AWS_SECRET_ACCESS_KEY", test.alsoSecret("AWS_SECRET_ACCESS_KEY", "aws-scan-secret-" + test.wrong(test.pgPassword())),
                "AWS_SESSION_TOKEN", test.alsoSecret("AWS_SESSION_TOKEN", "aws-scan-session-" + test.wrong(test.qdrantKey())));
        add("snapshot copy", aws, () -> List.of("-vv", "--set", "backups.s3.endpoint=http://127.0.0.1:1", "--set",
                "backups.s3.path_style=true", "snapshot", "copy", test.newestSet(), "--to", "s3://ragback-scan/sets"), ANY_FAILURE, false);
        add("snapshot list", aws, () -> List.of("--json", "-vv", "--set", "backups.s3.endpoint=http://127.0.0.1:1",
                "--set", "backups.dir=s3://ragback-scan/sets", "snapshot", "list"), ANY_FAILURE, false);
        add("snapshot copy", Map.of(), () -> List.of("--json", "-vv", "snapshot", "copy", test.newestSet(), "--to",
                test.work().resolve("copy-dir").toString()), 2, false);
        // a real bucket (s3proxy, SigV4): signed requests with the secret key in the environment, streamed create included
        String repo = test.bucket().url("scan-" + Long.toHexString(System.nanoTime()));
        Map<String, String> s3 = test.bucket().proxy().credentialsEnv();
        // a prefix of its own: a create in the same second into repo would take the same set id
        String copyRepo = test.bucket().url("scan-copy-" + Long.toHexString(System.nanoTime()));
        add("snapshot copy", s3, () -> onBucket(List.of("-vv", "snapshot", "copy", test.newestSet(), "--to", copyRepo)), 0, false);
        add("snapshot create", s3, () -> onBucket(List.of("-vv", "--set", "backups.dir=" + repo, "snapshot", "create", "--golden")), 0,
                false);
        add("snapshot list", s3, () -> onBucket(List.of("--json", "-vv", "--set", "backups.dir=" + repo, "snapshot", "list")), 0, false);
        add("snapshot verify", s3, () -> onBucket(List.of("-vv", "--set", "backups.dir=" + repo, "snapshot", "verify", "--deep")), 0,
                false);
        add("snapshot restore", s3, () -> onBucket(List.of("-vv", "--set", "backups.dir=" + repo, "snapshot", "restore", "--golden",
                "--dry-run")), 0, false);

        both("smoke", 0);
        both("verify", 0);
        both("eval-quick", 0);
        // judge mode: the judge's key and the RAG service's auth header in the environment, the audit file in the work dir
        String judgeMode = test.work().resolve("judge.yaml").toString();
        both("eval-quick", 0, "--config", judgeMode, "--min-faithfulness", "0.75");
        once("doctor", 0, "--config", judgeMode); // a golden set and green releases: ready for a rollback
        failing("eval-quick", Map.of("EVAL_JUDGE_API_KEY", test.alsoSecret("wrong EVAL_JUDGE_API_KEY", "wrong-judge-key")), "--config",
                judgeMode);
        secretOnCommandLine("eval-quick", "--config", judgeMode, "--set", "eval.rag_auth=Bearer " + test.ragAuth());

        group("revert");
        both("revert last-green", 0, "--dry-run");
        once("revert last-green", 0, "--yes", "--config", commands);

        group("rollback");
        both("rollback auto", 0, "--reason", "manual", "--dry-run");
        failing("rollback auto", Map.of("PGPASSWORD", test.wrong(test.pgPassword())), "--reason", "latency_spike", "--yes");
        both("rollback auto", 0, "--reason", "faithfulness_drop", "--yes");
        // notifications that cannot be delivered end in warnings, which must not name the webhook or the gateway password
        add("rollback auto", Map.of("SLACK_WEBHOOK", "http://127.0.0.1:1/services/T0SCAN/B0SCAN/" + test.slackToken(),
                "PUSHGATEWAY_URL", "http://ragback:" + test.alsoSecret("PUSHGATEWAY_URL password (unreachable)", "pushdown-SECRET-"
                        + Long.toHexString(System.nanoTime()) + "beef") + "@127.0.0.1:1/"),
                () -> List.of("-vv", "rollback", "auto", "--reason", "gate_fail_rate", "--yes"), 0, false);

        both("history", 0);
        failing("history", Map.of("TASKDB_URL", test.taskdbUrl(1, test.taskdbPassword())));
        failing("history", Map.of("TASKDB_URL", taskdb(test.wrong(test.taskdbPassword()))));
        // the report step wrote the draft before the run's last event; untouched, it is refreshed without --force
        add("postmortem", Map.of(), () -> List.of("-vv", "postmortem", test.rollbackRun()), 0, false);
        add("postmortem", Map.of(), () -> List.of("--json", "-vv", "postmortem", test.rollbackRun()), 0, false);
        return plan;
    }

    private List<String> onBucket(List<String> args) {
        List<String> all = test.bucket().setFlags();
        all.addAll(args);
        return all;
    }

    /** The work dir every run uses: releases, the matrix, migrations, an evaluator, and command-mode switches. */
    static void prepare(Path work) throws IOException {
        Path releases = Files.createDirectories(work.resolve("ops/releases"));
        for (String version : List.of("v1.0.0", "v1.1.0", "v2.0.0")) {
            Files.createDirectories(releases.resolve(version));
        }
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v1.1.0"));
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        for (String version : RagFixtures.versions()) {
            Path to = Files.createDirectories(work.resolve("ops/migrations").resolve(version));
            for (String file : List.of("up.sql", "down.sql")) {
                Files.copy(RagFixtures.MIGRATIONS.resolve(version).resolve(file), to.resolve(file));
            }
        }
        Files.createDirectories(work.resolve("ops/metrics"));
        // proves the key reached the evaluator's environment without the key itself landing in a file
        Files.writeString(work.resolve("eval.sh"), "dir=$(dirname \"$0\")\n"
                + "printf %s \"$EVAL_JUDGE_API_KEY\" | sha256sum | cut -c1-64 > \"$dir/judge-key.sha256\"\n"
                + "sleep 0.2\necho '{\"faithfulness\": 0.91}' > \"$2\"\n");
        Files.writeString(work.resolve("ops/ragback.yaml"), "eval:\n  command: [\"sh\", \"" + work.resolve("eval.sh") + "\", \"{queries}\", "
                + "\"{output}\"]\n  timeout: 60s\nmetrics:\n  textfile: ops/metrics/ragback.prom\n");

        // command modes: traffic and releases switched by programs, so their argv is sampled too
        Path state = Files.createDirectories(work.resolve("cmd"));
        Files.writeString(state.resolve("traffic.sh"), "sleep 0.2\necho \"$1\" > \"$(dirname \"$0\")/traffic\"\n");
        Files.writeString(state.resolve("activate.sh"), "sleep 0.2\necho \"$1\" > \"$(dirname \"$0\")/releases/current\"\n");
        Files.createDirectories(state.resolve("releases"));
        Files.writeString(state.resolve("releases/current"), "v1.1.0\n");
        // v1.1.0 is live but not green, so revert last-green has something to activate (and its argv is sampled)
        Files.writeString(state.resolve("releases/green"), "v1.0.0\n");
        Files.writeString(work.resolve("commands.yaml"), "traffic:\n  mode: command\n  command: [\"sh\", \"" + state.resolve("traffic.sh")
                + "\", \"{percent}\"]\nrelease:\n  mode: command\n  dir: " + state.resolve("releases") + "\n  current_command: [\"cat\", \""
                + state.resolve("releases/current") + "\"]\n  activate_command: [\"sh\", \"" + state.resolve("activate.sh") + "\", \"{version}\"]\n");
    }

    /** judge.yaml: eval.mode judge against the fakes the test started, the score-check fixture as the dataset. */
    static void judgeConfig(Path work, java.net.URI rag, java.net.URI judge) throws IOException {
        Files.writeString(work.resolve("judge.yaml"), "eval:\n  mode: judge\n  dataset: " + JUDGE_DATASET + "\n  rag_url: " + rag
                + "\n  judge_url: " + judge + "\n  judge_model: fake-judge\n  retries: 1\n");
    }

    private void root() {
        add("", Map.of(), () -> List.of("--version"), 0, false);
        add("", Map.of(), () -> List.of("--help"), 0, false);
        add("", Map.of(), List::of, 2, false);
    }

    /** A command group run without a subcommand: usage and exit 2. */
    private void group(String command) {
        add(command, Map.of(), () -> words(command), 2, false);
    }

    private void both(String command, int exit, String... args) {
        for (List<String> variant : List.of(List.of("-vv"), List.of("--json", "-vv"))) {
            List<String> argv = new ArrayList<>(variant);
            argv.addAll(words(command));
            argv.addAll(List.of(args));
            add(command, Map.of(), () -> argv, exit, false);
        }
    }

    /** Once, with -vv: for a variant of a command already run both ways, or a change that cannot be made twice. */
    private void once(String command, int exit, String... args) {
        List<String> argv = Stream.concat(Stream.of("-vv"), Stream.concat(words(command).stream(), Stream.of(args))).toList();
        add(command, Map.of(), () -> argv, exit, false);
    }

    private void failing(String command, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("-vv"));
        argv.addAll(words(command));
        argv.addAll(List.of(args));
        add(command, env, () -> argv, ANY_FAILURE, false);
    }

    private void secretOnCommandLine(String command, String... args) {
        List<String> argv = Stream.concat(Stream.of("-vv"), Stream.concat(words(command).stream(), Stream.of(args))).toList();
        add(command, Map.of(), () -> argv, 2, true);
    }

    private void add(String command, Map<String, String> env, Supplier<List<String>> args, int exit, boolean argvHasSecret) {
        plan.computeIfAbsent(command, c -> new ArrayList<>()).add(new Invocation(command, env, args, exit, argvHasSecret));
    }

    private String taskdb(String password) {
        return test.taskdbUrl(dev.ragback.testing.pg.ThrowawayPostgres.shared().port(), password);
    }

    /** A config file (outside the scanned work dir) that wrongly holds a secret: the error must not repeat it. */
    private Path configWithSecret() {
        try {
            Path file = TempDirs.create("secrets-scan-config-").resolve("ragback.yaml");
            return Files.writeString(file, "qdrant:\n  url: http://127.0.0.1:1\n  api_key: " + test.qdrantKey() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> words(String command) {
        return command.isEmpty() ? List.of() : List.of(command.split(" "));
    }
}
