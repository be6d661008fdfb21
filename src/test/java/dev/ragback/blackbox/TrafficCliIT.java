package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** traffic set/status and the runbook's `make traffic:0`, with TaskDB in the throwaway PostgreSQL. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class TrafficCliIT {
    @TempDir
    Path work;

    private PgDatabase db;
    private Path trafficFile;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) {
        this.db = db;
        db.execute("DROP TABLE IF EXISTS task_events");
        trafficFile = work.resolve("state").resolve("traffic");
        cli = RagbackCli.create().workDir(work).env(db.env());
    }

    private RagbackCli.Result ragback(String... args) {
        List<String> all = new ArrayList<>(List.of("--set", "traffic.file=" + trafficFile));
        all.addAll(List.of(args));
        return cli.run(all.toArray(String[]::new));
    }

    /** Runs make in the project directory, as the runbook does, with the test's database and traffic file. */
    private RagbackCli.Result make(String target) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "make", ".out");
        Path err = Files.createTempFile(work, "make", ".err");
        // -o: never rebuild the jar from here; the build under test made it just before the black-box tests
        ProcessBuilder builder = new ProcessBuilder("make", "--no-print-directory", "-o", "target/ragback.jar", target)
                .directory(RagbackCli.projectDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        if (System.getenv("JAVA_HOME") != null) {
            env.put("JAVA_HOME", System.getenv("JAVA_HOME"));
        }
        env.put("HOME", cli.home().toString());
        env.put("LANG", "C.UTF-8");
        env.putAll(db.env());
        env.put("RAGBACK_FLAGS", "--set traffic.file=" + trafficFile);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("make " + target + " did not finish");
        }
        return new RagbackCli.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The traffic_set events, oldest first; none when ragback never created task_events. */
    private List<String> trafficEvents() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.connection().open(); Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT to_regclass('task_events') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return rows;
                }
            }
        }
        try (Connection connection = db.connection().open(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT task_id, metadata->>'old', metadata->>'new', metadata ? 'host', "
                     + "metadata ? 'user' FROM task_events WHERE event_type = 'traffic_set' ORDER BY id")) {
            while (result.next()) {
                rows.add(result.getString(1) + " old=" + result.getString(2) + " new=" + result.getString(3)
                        + " host=" + result.getBoolean(4) + " user=" + result.getBoolean(5));
            }
        }
        return rows;
    }

    @Test
    void makeTraffic0StopsTrafficAndTaskDbRecordsOldAndNew() throws Exception {
        RagbackCli.Result make = make("traffic:0");
        make.assertExit(0);
        assertEquals("0\n", Files.readString(trafficFile));

        RagbackCli.Result status = ragback("traffic", "status").assertExit(0);
        assertEquals("traffic: 0 % (file " + trafficFile + ")", status.stdout().strip());
        assertEquals(0, new ObjectMapper().readTree(ragback("--json", "traffic", "status").assertExit(0).stdout()).get("percent").asInt());
        assertEquals(List.of("traffic old=100 new=0 host=true user=true"), trafficEvents());

        make("traffic:100").assertExit(0);
        assertEquals("100\n", Files.readString(trafficFile));
        assertEquals("traffic old=0 new=100 host=true user=true", trafficEvents().get(1));
    }

    @Test
    void percentagesOutsideZeroToHundredExit2AndChangeNothing() throws Exception {
        for (String bad : new String[] {"150", "-1"}) {
            RagbackCli.Result result = ragback("traffic", "set", bad, "--yes");
            assertEquals(2, result.exitCode(), result.toString());
            String last = result.stderrLines().get(result.stderrLines().size() - 1);
            assertEquals("ragback: traffic percent must be a whole number from 0 to 100, not " + bad
                    + " — ragback traffic set 0 (stop traffic) or ragback traffic set 100 (full traffic)", last);
        }
        assertFalse(Files.exists(trafficFile));
        assertEquals(List.of(), trafficEvents());
    }

    @Test
    void withoutYesAndWithoutATerminalItRefuses() {
        RagbackCli.Result result = ragback("traffic", "set", "0");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("refusing to change anything without --yes"), result.stderr());
        assertFalse(Files.exists(trafficFile));
    }

    @Test
    void aTaskDbThatIsDownIsAWarningAndTrafficStillStops() throws IOException {
        RagbackCli.Result result = cli.env("PGPORT", "1").run("--set", "traffic.file=" + trafficFile, "--json", "traffic", "set", "0", "--yes");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("0\n", Files.readString(trafficFile));
        assertTrue(result.stderr().startsWith("warning: traffic is now 0 %, but TaskDB did not record the traffic_set event: "
                + "PostgreSQL at "), result.stderr());
        var json = new ObjectMapper().readTree(result.stdout());
        assertEquals(100, json.get("old").asInt());
        assertTrue(json.get("event_id").isNull());
    }

    @Test
    void commandModeRunsTheProgramAndCannotReadBack() throws IOException {
        Path seen = work.resolve("lb-calls");
        Path lb = Files.writeString(work.resolve("lb.sh"), "#!/bin/sh\necho \"$@\" >> '" + seen + "'\n");
        lb.toFile().setExecutable(true);
        Path config = Files.writeString(work.resolve("ragback.yaml"),
                "traffic:\n  mode: command\n  command: [\"" + lb + "\", \"weight\", \"{percent}\"]\n");

        cli.run("--config", config.toString(), "traffic", "set", "0", "--yes").assertExit(0);
        assertEquals("weight 0\n", Files.readString(seen));
        RagbackCli.Result status = cli.run("--config", config.toString(), "traffic", "status").assertExit(0);
        assertEquals("traffic: unknown (command " + lb + ")", status.stdout().strip());
    }
}
