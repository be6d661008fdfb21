package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.secrets.ArgvSampler;
import dev.ragback.testing.secrets.SecretScanner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runs of a secrets scan: each checked for its exit, its output and the argv of ragback and its children handed to the scanner. */
final class ScannedRuns {
    static final Duration SAMPLE_EVERY = Duration.ofMillis(20);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);

    private final RagbackCli cli;
    private final SecretScanner scan;
    private final Map<String, String> baseEnv;
    private final List<ArgvSampler.Argv> childArgv = new ArrayList<>();
    private final List<String> runs = new ArrayList<>();

    ScannedRuns(RagbackCli cli, SecretScanner scan, Map<String, String> baseEnv) {
        this.cli = cli;
        this.scan = scan;
        this.baseEnv = baseEnv;
    }

    int count() {
        return runs.size();
    }

    /** The argv of every child process seen so far. */
    List<ArgvSampler.Argv> childArgv() {
        return childArgv;
    }

    /** One run of ragback: the command path it covers, extra environment, args, and the exit it must end with ({@link SecretsScanPlan#ANY_FAILURE}: any but 0). */
    record Invocation(String command, Map<String, String> env, Supplier<List<String>> args, int exit, boolean argvHasSecret) {
    }

    /**
     * A process where only a process shows something: ragback's own argv and its launcher (the root command), and
     * one whole rollback (every kind of child, Slack and the Pushgateway) started from the real launcher. The rest
     * run inside this JVM, where what they print, write, store and send is the same, and the argv of the programs
     * they start is sampled as this JVM's descendants.
     */
    static boolean needsAProcess(Invocation invocation) {
        return invocation.command().isEmpty()
                || invocation.command().equals("rollback auto") && invocation.env().containsKey("PUSHGATEWAY_URL");
    }

    void execute(Invocation invocation) throws Exception {
        List<String> args = invocation.args().get();
        String label = String.join(" ", args) + (invocation.env().isEmpty() ? "" : " " + invocation.env().keySet());
        try {
            long started = System.nanoTime();
            RagbackCli.Result result = needsAProcess(invocation) ? runProcess(invocation, args, label) : runInProcess(invocation, args, label);
            runs.add(label);
            System.out.printf("secrets scan: %5d ms  exit %d  ragback %s%s%n", (System.nanoTime() - started) / 1_000_000,
                    result.exitCode(), label, needsAProcess(invocation) ? " (process)" : "");
            scan.add("stdout", label, result.stdout());
            scan.add("stderr", label, result.stderr());
            int exit = result.exitCode();
            boolean anyFailure = invocation.exit() == SecretsScanPlan.ANY_FAILURE;
            boolean expected = anyFailure ? exit != 0 && exit != -1 : exit == invocation.exit();
            assertTrue(expected, "ragback " + label + ": expected exit " + (anyFailure ? "non-zero" : invocation.exit())
                    + " but got " + exit + "\n" + result);
        } finally {
            restoreEnv(invocation.env());
        }
    }

    private RagbackCli.Result runProcess(Invocation invocation, List<String> args, String label) throws Exception {
        Path io = TempDirs.create("secrets-scan-");
        try {
            Process process = cli.env(invocation.env()).start(io, args.toArray(String[]::new));
            ArgvSampler sampler = ArgvSampler.start(process.toHandle(), SAMPLE_EVERY);
            boolean finished = process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            sampler.close();
            scanArgv(sampler, invocation, label);
            return new RagbackCli.Result(finished ? process.exitValue() : -1, Files.readString(io.resolve("stdout")),
                    Files.readString(io.resolve("stderr")));
        } finally {
            TempDirs.delete(io);
        }
    }

    private RagbackCli.Result runInProcess(Invocation invocation, List<String> args, String label) throws Exception {
        ArgvSampler sampler = ArgvSampler.start(ProcessHandle.current(), SAMPLE_EVERY);
        try {
            return cli.env(invocation.env()).timeout(RUN_TIMEOUT).run(args.toArray(String[]::new));
        } finally {
            sampler.close();
            scanArgv(sampler, invocation, label);
        }
    }

    private void scanArgv(ArgvSampler sampler, Invocation invocation, String label) {
        boolean inThisJvm = !needsAProcess(invocation);
        for (ArgvSampler.Argv argv : sampler.seen()) {
            if (argv.root() && inThisJvm) {
                continue; // this test's own JVM
            }
            // a run that puts a secret on ragback's own command line on purpose checks only what ragback prints
            if (!(argv.root() && invocation.argvHasSecret())) {
                scan.add(argv.root() ? "ragback argv" : "child argv", label + " pid " + argv.pid() + ": " + argv.cmdline(), argv.cmdline());
            }
            if (!argv.root()) {
                childArgv.add(argv);
            }
        }
    }

    private void restoreEnv(Map<String, String> overridden) {
        overridden.keySet().forEach(name -> cli.env(name, baseEnv.get(name)));
    }
}
