package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.HumanText;
import dev.ragback.testing.cli.JsonShape;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** smoke through bin/ragback against the throwaway PostgreSQL, the Qdrant double and a local HTTP endpoint. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class SmokeCliIT {
    private static final String API_KEY = "smoke-api-key-2718";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNKS = 300;
    private static final List<String> CHECKS = List.of("postgres", "schema", "qdrant", "probes", "compat", "http:api");

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private HttpServer api;
    private volatile int apiStatus = 200;
    private RagbackCli cli;

    @BeforeAll
    static void database(PgDatabase db) {
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, CHUNKS);
    }

    @BeforeEach
    void setUp(PgDatabase db) throws IOException {
        qdrant = new QdrantDouble(API_KEY);
        RagFixtures.loadPoints(qdrant, CHUNKS);
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(apiStatus, -1);
            exchange.close();
        });
        api.start();

        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        Path releases = Files.createDirectories(work.resolve("ops/releases/v1.1.0")).getParent();
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v1.1.0"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "smoke:\n  http:\n    - {name: api, url: \"http://127.0.0.1:"
                + api.getAddress().getPort() + "/health?token=t0ken-never-shown\", expect_status: 200}\n");
        cli = RagbackCli.create().workDir(work).env(db.env())
                .env("QDRANT_URL", qdrant.url().toString())
                .env("QDRANT_API_KEY", API_KEY);
    }

    @AfterEach
    void tearDown() {
        api.stop(0);
        qdrant.close();
    }

    private String golden() {
        RagbackCli.Result created = cli.run("--json", "snapshot", "create", "--golden").assertExit(0);
        try {
            return JSON.readTree(created.stdout()).get("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException(created.stdout(), e);
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1];
    }

    private static String line(RagbackCli.Result result, String check) {
        return result.stdoutLines().stream().filter(l -> l.matches("(pass|fail|skip)  " + Pattern.quote(check) + " .*"))
                .findFirst().orElseThrow(() -> new AssertionError("no line for " + check + ":\n" + result.stdout()));
    }

    @Test
    void passesAgainstAHealthyStackWithAGoldenSet() throws IOException {
        String id = golden();
        RagbackCli.Result result = cli.run("smoke");
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        List<String> names = new ArrayList<>();
        List<String> lines = result.stdoutLines();
        assertTrue(lastLine(result.stdout()).matches("smoke: 6 passed, 0 failed, 0 skipped \\(" + HumanText.DURATION + "\\)"),
                result.stdout());
        for (String line : lines.subList(0, lines.size() - 1)) {
            assertTrue(line.startsWith("pass  "), line);
            assertTrue(line.matches(".*  \\(" + HumanText.DURATION + "\\)"), "ends with the duration: " + line);
            names.add(line.substring(6).split(" ")[0]);
        }
        assertEquals(CHECKS, names);
        assertTrue(line(result, "qdrant").contains("rag_main -> rag_main_v2 green, " + CHUNKS + " points"), result.stdout());
        assertTrue(line(result, "probes").contains("5 probes match golden set " + id), result.stdout());
        assertTrue(line(result, "compat").contains("(v1.1.0, v1.1.0, rag_main_v2) is OK"), result.stdout());
        assertTrue(line(result, "http:api").contains("/health?token=*** answered 200"), result.stdout());
        String everything = result.stdout() + result.stderr();
        assertFalse(everything.contains("t0ken-never-shown") || everything.contains(API_KEY)
                || everything.contains(ThrowawayPostgres.shared().password()), "a secret was printed");
        assertTrue(qdrant.requests().stream().anyMatch(r -> r.method().equals("POST") && r.path().equals("/collections/rag_main_v2/points")),
                "probe vectors are fetched by id");

        RagbackCli.Result json = cli.run("--json", "smoke").assertExit(0);
        JsonNode checks = JSON.readTree(json.stdout());
        assertEquals("[{name:string,status:string,detail:string,duration_ms:int,warning:null}]",
                JsonShape.of(checks));
        assertTrue(checks.isArray(), json.stdout());
        assertEquals(CHECKS, checks.findValuesAsText("name"));
        for (JsonNode check : checks) {
            assertEquals("pass", check.get("status").asText(), check.toString());
            assertTrue(check.get("duration_ms").isIntegralNumber(), check.toString());
            assertFalse(check.get("detail").asText().isEmpty(), check.toString());
        }
    }

    @Test
    void withoutAGoldenSetProbesAreSkipped() {
        RagbackCli.Result result = cli.run("smoke").assertExit(0);
        assertTrue(line(result, "probes").matches("skip  probes +no golden snapshot set  \\(.*"), result.stdout());
    }

    @Test
    void stoppedPostgresExits1NamingTheChecksThatNeedIt() {
        // cannot reach is 1 everywhere (verify too); 3 is for a check that ran and failed
        RagbackCli.Result result = cli.env("PGPORT", String.valueOf(ThrowawayPostgres.closedPort())).run("smoke");
        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(line(result, "postgres").startsWith("fail  postgres"), result.stdout());
        assertTrue(line(result, "qdrant").startsWith("pass  qdrant"), result.stdout());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: smoke: 3 of 6 checks could not reach what they check: "
                + "postgres, schema, compat"), result.stderr());
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.stderr());
    }

    @Test
    void qdrantDownExits1AsVerifyDoes() {
        cli.env("QDRANT_URL", "http://127.0.0.1:" + ThrowawayPostgres.closedPort());
        RagbackCli.Result smoke = cli.run("smoke");
        assertEquals(1, smoke.exitCode(), smoke.stdout() + smoke.stderr());
        assertTrue(lastLine(smoke.stderr()).matches("ragback: smoke: \\d of 6 checks could not reach what they check: qdrant.*"), smoke.stderr());
    }

    @Test
    void redCollectionExits3AndJsonIsOneList() throws IOException {
        qdrant.collectionStatus("rag_main_v2", "red");
        RagbackCli.Result result = cli.run("smoke");
        assertEquals(3, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(line(result, "qdrant").contains("rag_main -> rag_main_v2 is red, not green"), result.stdout());
        assertTrue(lastLine(result.stdout()).matches("smoke: \\d passed, 1 failed, \\d skipped \\(" + HumanText.DURATION + "\\)"),
                result.stdout());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: smoke failed: qdrant (1 of 6 checks)"), result.stderr());

        RagbackCli.Result json = cli.run("--json", "smoke");
        assertEquals(3, json.exitCode());
        JsonNode checks = JSON.readTree(json.stdout());
        assertTrue(checks.isArray() && checks.size() == CHECKS.size(), json.stdout());
        assertEquals("fail", checks.get(2).get("status").asText());
        assertTrue(lastLine(json.stderr()).startsWith("ragback: smoke failed: qdrant"), json.stderr());
    }

    @Test
    void failingHttpEndpointExits3NamingTheCheck() {
        apiStatus = 500;
        RagbackCli.Result result = cli.run("smoke");
        assertEquals(3, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(line(result, "http:api").contains("answered 500 (after 3 tries), expected 200"), result.stdout());
        assertTrue(lastLine(result.stderr()).startsWith("ragback: smoke failed: http:api (1 of 6 checks)"), result.stderr());
    }

    @Test
    void changedProbeResultsExit3() throws IOException {
        String id = golden();
        JsonNode probe = JSON.readTree(work.resolve("backups").resolve(id).resolve("manifest.json").toFile()).at("/probes/0");
        long point = probe.get("point_id").asLong();
        List<Long> neighbours = new ArrayList<>();
        probe.get("results").forEach(hit -> {
            if (hit.get("id").asLong() != point) {
                neighbours.add(hit.get("id").asLong());
            }
        });
        qdrant.deletePoints("rag_main_v2", neighbours.toArray());
        RagbackCli.Result result = cli.run("smoke");
        assertEquals(3, result.exitCode(), result.stdout() + result.stderr());
        // the deleted neighbours include other probe points, which now fail as missing
        String probes = line(result, "probes");
        assertTrue(probes.matches("fail  probes +\\d of 5 probes differ from golden set " + id + ": point " + point
                + ": overlap 0\\.20 < 0\\.80.*"), probes);
        assertTrue(lastLine(result.stderr()).startsWith("ragback: smoke failed: probes (1 of 6 checks)"), result.stderr());
    }
}
