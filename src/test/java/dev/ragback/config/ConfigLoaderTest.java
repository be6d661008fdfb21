package dev.ragback.config;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(Path.of("no-such-dir", "ragback.yaml"));

    private Path file(String yaml) throws IOException {
        Path path = dir.resolve("ragback.yaml");
        Files.writeString(path, yaml);
        return path;
    }

    @Test
    void defaultsApplyWhenNothingElseSetsAKey() throws IOException {
        Config config = loader.load(file(""), Map.of(), Map.of());
        assertEquals(URI.create("http://localhost:6333"), config.get(ConfigKeys.QDRANT_URL));
        assertEquals(Duration.ofSeconds(30), config.get(ConfigKeys.QDRANT_TIMEOUT));
        assertEquals(1, config.get(ConfigKeys.POSTGRES_COMPRESS));
        assertEquals(Map.of("faithfulness", 0.80), config.get(ConfigKeys.EVAL_THRESHOLDS));
        assertEquals(List.of(), config.get(ConfigKeys.SMOKE_HTTP));
        assertNull(config.get(ConfigKeys.TASKDB_URL));
        assertEquals(Source.DEFAULT, config.setting(ConfigKeys.QDRANT_URL).source());
    }

    @Test
    void precedenceIsFlagsOverEnvOverFileOverDefaults() throws IOException {
        Path path = file("qdrant:\n  collection: from_file\n  url: http://file:6333\npostgres:\n  port: 6000\n  user: file_user\n");
        Map<String, String> env = Map.of("QDRANT_COLLECTION", "from_env", "PGPORT", "7000");
        Map<String, String> flags = Map.of("qdrant.collection", "from_flag");

        Config config = loader.load(path, env, flags);

        assertEquals("from_flag", config.get(ConfigKeys.QDRANT_COLLECTION));
        assertEquals(Source.FLAG, config.setting(ConfigKeys.QDRANT_COLLECTION).source());
        assertEquals(7000, config.get(ConfigKeys.POSTGRES_PORT));
        assertEquals("env PGPORT", config.setting(ConfigKeys.POSTGRES_PORT).origin());
        assertEquals("file_user", config.get(ConfigKeys.POSTGRES_USER));
        assertEquals(path + ":6", config.setting(ConfigKeys.POSTGRES_USER).origin());
        assertEquals(URI.create("http://file:6333"), config.get(ConfigKeys.QDRANT_URL));
        assertEquals(path + ":3", config.setting(ConfigKeys.QDRANT_URL).origin());
        assertEquals(Source.DEFAULT, config.setting(ConfigKeys.POSTGRES_DATABASE).source());
    }

    @Test
    void unknownKeyNamesKeyFileAndLine() throws IOException {
        Path path = file("qdrant:\n  url: http://localhost:6333\n  colection: typo\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, e.kind());
        assertEquals(path + ":3: unknown key 'qdrant.colection' (did you mean qdrant.collection?)", e.getMessage());
    }

    @Test
    void unknownSectionIsAnError() throws IOException {
        Path path = file("qdrant:\n  url: http://localhost:6333\nkafka:\n  brokers: x\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith(path + ":3: unknown key 'kafka'"), e.getMessage());
    }

    @Test
    void badValueNamesKeyFileLineAndWhatWasExpected() throws IOException {
        Path path = file("postgres:\n  host: db\n  port: fifty\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertEquals(path + ":3: bad value 'fifty' for postgres.port: expected a whole number from 1 to 65535", e.getMessage());
    }

    @Test
    void badDurationAndBadEnumAreRejected() throws IOException {
        Path duration = file("qdrant:\n  timeout: 30 seconds\n");
        assertTrue(assertThrows(RagbackException.class, () -> loader.load(duration, Map.of(), Map.of()))
                .getMessage().contains("qdrant.timeout: expected a duration"));
        // found by Jazzer: fits a Duration, overflows as milliseconds
        Path huge = file("qdrant:\n  timeout: 999999999999999h\n");
        assertTrue(assertThrows(RagbackException.class, () -> loader.load(huge, Map.of(), Map.of()))
                .getMessage().contains("not one this long"));
        Path format = file("postgres:\n  dump_format: tar\n");
        assertTrue(assertThrows(RagbackException.class, () -> loader.load(format, Map.of(), Map.of()))
                .getMessage().contains(":2: bad value 'tar' for postgres.dump_format: expected one of custom, directory"));
    }

    @Test
    void modesAreEnumsWrittenInLowerCase() throws IOException {
        Config config = loader.load(file("traffic:\n  mode: http\nrelease:\n  mode: command\neval:\n  mode: judge\n"
                + "postgres:\n  dump_format: directory\n"), Map.of(), Map.of());
        assertEquals(TrafficMode.HTTP, config.get(ConfigKeys.TRAFFIC_MODE));
        assertEquals(ReleaseMode.COMMAND, config.get(ConfigKeys.RELEASE_MODE));
        assertEquals(EvalMode.JUDGE, config.get(ConfigKeys.EVAL_MODE));
        assertEquals(DumpFormat.DIRECTORY, config.get(ConfigKeys.POSTGRES_DUMP_FORMAT));
        assertEquals("http", new Setting(ConfigKeys.TRAFFIC_MODE, TrafficMode.HTTP, Source.FILE, "x").display(), "doctor shows the word");
        Config defaults = loader.load(file(""), Map.of(), Map.of());
        assertEquals(TrafficMode.FILE, defaults.get(ConfigKeys.TRAFFIC_MODE));
        assertEquals(ReleaseMode.SYMLINK, defaults.get(ConfigKeys.RELEASE_MODE));
        assertEquals(EvalMode.COMMAND, defaults.get(ConfigKeys.EVAL_MODE));
        assertEquals(DumpFormat.CUSTOM, defaults.get(ConfigKeys.POSTGRES_DUMP_FORMAT));
        for (String upper : List.of("HTTP", "Http", "kafka")) {
            Path path = file("traffic:\n  mode: " + upper + "\n");
            assertTrue(assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of())).getMessage()
                    .contains(":2: bad value '" + upper + "' for traffic.mode: expected one of file, command, http"), upper);
        }
    }

    @Test
    void secretsAreRefusedInTheFile() throws IOException {
        Path path = file("postgres:\n  password: hunter2\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains(":2: 'postgres.password' is a secret"), e.getMessage());
        assertTrue(e.getMessage().contains("PGPASSWORD"));
        assertTrue(!e.getMessage().contains("hunter2"));
    }

    @Test
    void keySetTwiceIsAnError() throws IOException {
        Path path = file("qdrant:\n  url: http://a:1\n  url: http://b:2\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("qdrant.url' is set twice"), e.getMessage());
    }

    @Test
    void invalidYamlNamesTheLine() throws IOException {
        Path path = file("qdrant:\n  url: http://a:1\n  timeout: \"30s\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, e.kind());
        assertTrue(e.getMessage().matches(".*ragback\\.yaml: invalid YAML at line 3: .*"), e.getMessage());
    }

    @Test
    void explicitMissingFileIsAnErrorButAMissingDefaultFileIsNot() {
        Path missing = dir.resolve("nope.yaml");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(missing, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("nope.yaml not found"));
        Config config = new ConfigLoader(dir.resolve("absent.yaml")).load(null, Map.of(), Map.of());
        assertEquals(Source.DEFAULT, config.setting(ConfigKeys.QDRANT_URL).source());
        assertTrue(config.fileLabel().startsWith("none"), config.fileLabel());
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        RagbackException e = assertThrows(RagbackException.class,
                () -> loader.load(null, Map.of("QDRANT_URL", "localhost:6333"), Map.of()));
        assertTrue(e.getMessage().startsWith("environment variable QDRANT_URL: bad value"), e.getMessage());
    }

    @Test
    void structuredValuesParse() throws IOException {
        Path path = file("""
                eval:
                  thresholds: {faithfulness: 0.85, answer_relevancy: 0.7}
                  command: ["python3", "eval.py", "--out", "{output}"]
                smoke:
                  http:
                    - {name: api, url: "http://127.0.0.1:8000/health", expect_status: 204}
                """);
        Config config = loader.load(path, Map.of(), Map.of());
        assertEquals(0.85, config.get(ConfigKeys.EVAL_THRESHOLDS).get("faithfulness"));
        assertEquals(List.of("python3", "eval.py", "--out", "{output}"), config.get(ConfigKeys.EVAL_COMMAND));
        assertEquals(new HttpCheck("api", URI.create("http://127.0.0.1:8000/health"), 204), config.get(ConfigKeys.SMOKE_HTTP).get(0));
    }

    @Test
    void flagsAreValidatedAndSecretsRefused() {
        RagbackException unknown = assertThrows(RagbackException.class,
                () -> loader.load(null, Map.of(), Map.of("qdrant.nope", "x")));
        assertEquals(RagbackException.Kind.USAGE, unknown.kind());
        RagbackException secret = assertThrows(RagbackException.class,
                () -> loader.load(null, Map.of(), Map.of("postgres.password", "x")));
        assertTrue(secret.getMessage().contains("secrets never go on the command line"));
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("eval.thresholds", "{faithfulness: 0.9}");
        assertEquals(0.9, loader.load(null, Map.of(), flags).get(ConfigKeys.EVAL_THRESHOLDS).get("faithfulness"));
    }

    @Test
    void secretsAreRedactedWhenShown() {
        Config config = loader.load(null, Map.of("PGPASSWORD", "s3cret-pg", "QDRANT_API_KEY", "s3cret-key",
                "TASKDB_URL", "jdbc:postgresql://h:5432/taskdb?user=u&password=s3cret-url"), Map.of());
        for (Setting setting : config.settings()) {
            assertTrue(!setting.display().contains("s3cret"), setting.key().name() + " shows a secret: " + setting.display());
        }
        assertEquals("s3cret-pg", config.get(ConfigKeys.POSTGRES_PASSWORD));
        assertEquals("(set, redacted)", config.setting(ConfigKeys.QDRANT_API_KEY).display());
    }

    @Test
    void valuesAreShownTheWayTheyAreWritten() {
        Config config = loader.load(null, Map.of(), Map.of("qdrant.timeout", "2m", "eval.timeout", "1h",
                "qdrant.green_timeout", "90s", "qdrant.transfer_idle_timeout", "250ms"));
        assertEquals("2m", config.setting(ConfigKeys.QDRANT_TIMEOUT).display());
        assertEquals("1h", config.setting(ConfigKeys.EVAL_TIMEOUT).display());
        assertEquals("90s", config.setting(ConfigKeys.QDRANT_GREEN_TIMEOUT).display());
        assertEquals("250ms", config.setting(ConfigKeys.QDRANT_TRANSFER_IDLE_TIMEOUT).display());
        assertEquals("{faithfulness: 0.8}", config.setting(ConfigKeys.EVAL_THRESHOLDS).display());
        assertEquals("[]", config.setting(ConfigKeys.SMOKE_HTTP).display());
    }

    @Test
    void setFlagsNeedKeyEqualsValue() {
        assertEquals(Map.of("a.b", "c=d"), ConfigLoader.parseSetFlags(List.of("a.b=c=d")));
        assertThrows(RagbackException.class, () -> ConfigLoader.parseSetFlags(List.of("novalue")));
    }

    @Test
    void shippedConfigFileDocumentsEveryKeyAndLoads() throws IOException {
        Path shipped = Path.of(System.getProperty("ragback.project.dir", "."), "ops", "ragback.yaml");
        String text = Files.readString(shipped);
        Config config = loader.load(shipped, Map.of(), Map.of());
        for (Setting setting : config.settings()) {
            String leaf = setting.key().name().substring(setting.key().name().indexOf('.') + 1);
            assertTrue(text.contains(leaf + ":"), "ops/ragback.yaml does not document " + setting.key().name());
        }
    }

    @Test
    void brokenYamlIsReportedAsInvalidYamlWithItsLineNotAsAnUnknownKey() throws IOException {
        Path path = file("postgres:\n  port: 5432\nqdrant: [\n");
        RagbackException e = assertThrows(RagbackException.class, () -> loader.load(path, Map.of(), Map.of()));
        assertTrue(e.getMessage().matches("config file .*: invalid YAML at line \\d+: .*"), e.getMessage());
        assertFalse(e.getMessage().contains("unknown key"), e.getMessage());
    }

    @Test
    void aTypoSuggestsTheNearestKeyInTheFileAndInSet() throws IOException {
        RagbackException inFile = assertThrows(RagbackException.class, () -> loader.load(file("qdrant:\n  timout: 3s\n"), Map.of(), Map.of()));
        assertTrue(inFile.getMessage().endsWith("unknown key 'qdrant.timout' (did you mean qdrant.timeout?)"), inFile.getMessage());
        RagbackException inFlag = assertThrows(RagbackException.class, () -> loader.load(file(""), Map.of(), Map.of("postgres.hots", "x")));
        assertTrue(inFlag.getMessage().contains("(did you mean postgres.host?)"), inFlag.getMessage());
        RagbackException farOff = assertThrows(RagbackException.class, () -> loader.load(file("qdrant:\n  colour: red\n"), Map.of(), Map.of()));
        assertFalse(farOff.getMessage().contains("did you mean"), farOff.getMessage());
    }
}
