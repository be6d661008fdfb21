package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration precedence and bad configuration, through bin/ragback. */
@org.junit.jupiter.api.extension.ExtendWith(dev.ragback.testing.pg.PostgresExtension.class)
@BlackBox
class ConfigCliIT {
    @TempDir
    Path work;

    private RagbackCli cli;
    private int closedPort;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(work.resolve("ops"));
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        cli = RagbackCli.create().workDir(work);
    }

    @Test
    void precedenceIsFlagOverEnvOverFileOverDefault() throws IOException {
        Files.writeString(work.resolve("ops/ragback.yaml"), """
                qdrant:
                  url: http://127.0.0.1:%d
                  collection: from_file
                  timeout: 2s
                postgres:
                  host: 127.0.0.1
                  port: %d
                  user: from_file
                """.formatted(closedPort, closedPort));
        RagbackCli.Result result = cli.env("PGUSER", "from_env").env("QDRANT_COLLECTION", "from_env")
                .run("doctor", "--json", "--set", "qdrant.collection=from_flag");

        assertEquals(1, result.exitCode(), "nothing listens on the port, so doctor fails: " + result.stderr());
        JsonNode config = new ObjectMapper().readTree(result.stdout()).get("config");
        assertSetting(config, "qdrant.collection", "from_flag", "flag");
        assertSetting(config, "postgres.user", "from_env", "env");
        assertSetting(config, "postgres.host", "127.0.0.1", "file");
        assertSetting(config, "postgres.database", "ragdb", "default");
        assertEquals("ops/ragback.yaml:4", find(config, "qdrant.timeout").get("origin").asText());
    }

    @Test
    void unknownKeyExits2NamingKeyFileAndLine() throws IOException {
        Files.writeString(work.resolve("ops/ragback.yaml"), "postgres:\n  host: db\nbackups:\n  directory: /tmp\n");
        RagbackCli.Result result = cli.run("compat", "lint");
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().strip().startsWith("ragback: ops/ragback.yaml:4: unknown key 'backups.directory'"), result.stderr());
        assertFalse(result.stderr().contains("\tat "), "no stack trace");
    }

    @Test
    void badValueExits2NamingKeyFileAndLine() throws IOException {
        Path config = work.resolve("custom.yaml");
        Files.writeString(config, "qdrant:\n  url: http://127.0.0.1:6333\n  timeout: soon\n");
        RagbackCli.Result result = cli.run("--config", config.toString(), "doctor");
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().contains(config + ":3: bad value 'soon' for qdrant.timeout: expected a duration"), result.stderr());
    }

    @Test
    void secretsNeverShowAndAreRefusedOnTheCommandLine() throws IOException {
        Files.writeString(work.resolve("ops/ragback.yaml"), "qdrant:\n  url: http://127.0.0.1:%d\npostgres:\n  port: %d\n"
                .formatted(closedPort, closedPort));
        RagbackCli.Result doctor = cli.env("PGPASSWORD", "pg-Secret-4711").env("QDRANT_API_KEY", "qd-Secret-4711")
                .env("SLACK_WEBHOOK", "https://hooks.example/T0/B0/slack-Secret-4711").run("doctor");
        String all = doctor.stdout() + doctor.stderr();
        assertFalse(all.contains("Secret-4711"), all);
        assertTrue(doctor.stdout().contains("(set, redacted)"));

        RagbackCli.Result flag = cli.run("--set", "postgres.password=x", "doctor");
        assertEquals(2, flag.exitCode());
        assertTrue(flag.stderr().contains("secrets never go on the command line"), flag.stderr());
    }

    private static void assertSetting(JsonNode config, String key, String value, String source) {
        JsonNode setting = find(config, key);
        assertEquals(value, setting.get("value").asText(), key);
        assertEquals(source, setting.get("source").asText(), key);
    }

    private static JsonNode find(JsonNode config, String key) {
        for (JsonNode setting : config) {
            if (setting.get("key").asText().equals(key)) {
                return setting;
            }
        }
        throw new AssertionError("no setting " + key);
    }

    @Test
    void fromASubdirectoryTheProjectConfigIsFoundAndItsRelativePathsResolveAgainstTheProjectRoot() throws IOException {
        Files.writeString(work.resolve("ops/ragback.yaml"), """
                qdrant:
                  url: http://127.0.0.1:%d
                postgres:
                  host: 127.0.0.1
                  port: %d
                compat:
                  matrix: compat/matrix.md
                """.formatted(closedPort, closedPort));
        Path deep = Files.createDirectories(work.resolve("src/somewhere/deep"));
        RagbackCli.Result result = cli.workDir(deep).run("doctor", "--json");

        JsonNode doctor = new ObjectMapper().readTree(result.stdout());
        Path root = work.toRealPath();
        assertEquals(root.resolve("ops/ragback.yaml").toString(), doctor.get("config_file").asText(), result.stdout());
        assertEquals(root.resolve("compat/matrix.md").toString(), find(doctor.get("config"), "compat.matrix").get("value").asText());
        assertEquals(root.resolve("backups").toString(), find(doctor.get("config"), "backups.dir").get("value").asText(),
                "a default path resolves against the project root too");
        assertEquals("ok", check(doctor, "matrix").get("status").asText(), result.stdout());
        try (var left = Files.list(deep)) {
            assertEquals(0, left.count(), "doctor created nothing where it was run");
        }
    }

    @Test
    void ragbackConfigNamesTheFileWhenRunFromElsewhere(@TempDir Path elsewhere) throws IOException {
        Files.writeString(work.resolve("ops/ragback.yaml"), "compat:\n  matrix: compat/matrix.md\n");
        cli.workDir(elsewhere).run("compat", "show").assertExit(2);
        RagbackCli.Result named = cli.env("RAGBACK_CONFIG", work.resolve("ops/ragback.yaml").toString()).run("compat", "show");
        named.assertExit(0);
        assertTrue(named.stdout().contains("v1.0.0"), named.stdout());
    }

    @Test
    void withNoConfigFoundAFailureSaysSoAndAReadOnlyRunCreatesNoDirectory(@TempDir Path elsewhere,
                                                                          dev.ragback.testing.pg.PgDatabase db) throws IOException {
        RagbackCli.Result result = cli.workDir(elsewhere).env(db.env())
                .env("QDRANT_URL", "http://127.0.0.1:" + closedPort).run("rollback", "auto", "--reason", "manual", "--dry-run");

        assertEquals(5, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("ragback: note: no config file found (no --config, no RAGBACK_CONFIG, no ops/ragback.yaml in "
                + elsewhere.toRealPath()), result.stderr());
        assertTrue(result.stderr().indexOf("note: no config file found") < result.stderr().indexOf("no golden snapshot set"),
                "said before the failure:\n" + result.stderr());
        try (var left = Files.list(elsewhere)) {
            assertEquals(java.util.List.of(), left.toList(), "a dry run creates no directory");
        }
    }

    private static JsonNode check(JsonNode doctor, String name) {
        for (JsonNode check : doctor.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + doctor);
    }
}
