package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed manifests through bin/ragback: RAGBACK_SIGNING_KEY signs, and a changed or unsigned manifest exits 5. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class SigningCliIT {
    private static final String SIGNING_KEY = "signing-key-3b8e0f61c2d94a57";
    private static final String API_KEY = "signing-api-key-5150";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROWS = "SELECT id, uri, model_id, content FROM rag_chunks ORDER BY id";

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;
    private final List<String> outputs = new ArrayList<>();

    @BeforeEach
    void setUp(PgDatabase db) throws IOException {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events, dump_gate CASCADE");
        RagFixtures.migrate(db, "v1.0.0");
        RagFixtures.loadChunks(db, 500);
        RagFixtures.createTaskEvents(db);
        qdrant = new QdrantDouble(API_KEY);
        RagFixtures.loadPoints(qdrant, 500);
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        cli = RagbackCli.create().workDir(work).env(db.env())
                .env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", API_KEY);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    private RagbackCli.Result run(String key, int exit, String... args) {
        RagbackCli.Result result = cli.env("RAGBACK_SIGNING_KEY", key).run(args).assertExit(exit);
        outputs.add(result.stdout() + result.stderr());
        return result;
    }

    private String create(String key) throws IOException {
        return JSON.readTree(run(key, 0, "--json", "snapshot", "create", "--label", "pre C1").stdout()).get("id").asText();
    }

    @Test
    void aChangedLabelIsRefusedByVerifyAndRestoreWhichChangesNothing(PgDatabase db) throws Exception {
        String id = create(SIGNING_KEY);
        JsonNode manifest = JSON.readTree(work.resolve("backups").resolve(id).resolve("manifest.json").toFile());
        assertEquals("HMAC-SHA256", manifest.at("/signature/alg").asText(), manifest.toString());
        RagbackCli.Result verified = run(SIGNING_KEY, 0, "snapshot", "verify", id);
        assertTrue(verified.stdout().contains("ok   " + id + "  manifest signature"), verified.stdout());
        run(SIGNING_KEY, 0, "snapshot", "promote", id);
        run(SIGNING_KEY, 0, "snapshot", "verify", id);
        JsonNode json = JSON.readTree(run(SIGNING_KEY, 0, "--json", "snapshot", "verify", id).stdout());
        assertEquals("ok", json.at("/sets/0/signature").asText(), json.toString());

        db.execute("UPDATE rag_chunks SET content = 'after the set' WHERE id % 5 = 0");
        qdrant.deletePoints("rag_main_v2", 1L, 2L);
        List<List<String>> rowsBefore = rows(db);
        List<String> pointsBefore = points();
        Path manifestFile = work.resolve("backups").resolve(id).resolve("manifest.json");
        Files.writeString(manifestFile, Files.readString(manifestFile).replace("\"pre C1\"", "\"pre C2\""));

        RagbackCli.Result verify = run(SIGNING_KEY, 5, "snapshot", "verify", id);
        assertTrue(verify.stdout().contains("BAD  " + id + "  manifest signature: signature of " + id + " does not match"),
                verify.stdout());
        assertTrue(verify.stdout().contains("signature of " + id + " does not match: the manifest was changed "
                + "or signed with another key"), verify.stdout());
        assertTrue(verify.stderr().contains("snapshot verify: 1 problem(s), listed above (BAD)"), verify.stderr());
        RagbackCli.Result restore = run(SIGNING_KEY, 5, "snapshot", "restore", id, "--yes");
        assertTrue(restore.stderr().contains("signature of " + id + " does not match"), restore.stderr());
        assertTrue(restore.stderr().contains("nothing was restored"), restore.stderr());
        assertEquals(rowsBefore, rows(db), "PostgreSQL untouched");
        assertEquals(pointsBefore, points(), "Qdrant untouched");
        assertEquals(Map.of("rag_main", "rag_main_v2"), qdrant.store().aliases());

        run(null, 0, "snapshot", "verify", id);
        assertNoKeyAnywhere();
    }

    @Test
    void aSetMadeWithoutTheKeyIsRefusedOnceTheKeyIsSet() throws Exception {
        String id = create(null);
        assertFalse(Files.readString(work.resolve("backups").resolve(id).resolve("manifest.json")).contains("\"signature\""));
        run(null, 0, "snapshot", "verify", id);
        RagbackCli.Result verify = run(SIGNING_KEY, 5, "snapshot", "verify", id);
        assertTrue(verify.stdout().contains("manifest of " + id + " is not signed"), verify.stdout());
        RagbackCli.Result promote = run(SIGNING_KEY, 5, "snapshot", "promote", id);
        assertTrue(promote.stderr().contains("is not signed"), promote.stderr());
        assertNoKeyAnywhere();
    }

    @Test
    void doctorWarnsWithoutTheKeyAndNeverShowsIt() throws IOException {
        // exit 1: this bare project could not run a rollback (no golden set, evaluator or release), which doctor says
        RagbackCli.Result without = run(null, 1, "doctor");
        assertTrue(without.stdout().matches("(?s).*\\R  warn  signing +RAGBACK_SIGNING_KEY not set: manifests are not signed.*"),
                without.stdout());
        RagbackCli.Result with = run(SIGNING_KEY, 1, "doctor");
        assertTrue(with.stdout().matches("(?s).*\\R  ok    signing +manifests are signed and checked.*"), with.stdout());
        assertTrue(with.stdout().matches("(?s).*snapshot\\.signing_key +\\(set, redacted\\) +env.*"), with.stdout());
        run(SIGNING_KEY, 1, "--json", "doctor");
        run(SIGNING_KEY, 0, "-vv", "snapshot", "create");
        assertNoKeyAnywhere();
    }

    private void assertNoKeyAnywhere() throws IOException {
        for (String output : outputs) {
            assertFalse(output.contains(SIGNING_KEY), "signing key printed: " + output);
        }
        byte[] key = SIGNING_KEY.getBytes(StandardCharsets.UTF_8);
        Path backups = work.resolve("backups");
        if (!Files.isDirectory(backups)) {
            return;
        }
        try (Stream<Path> files = Files.walk(backups)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                        .contains(new String(key, StandardCharsets.ISO_8859_1)), "signing key in " + file);
            }
        }
    }

    private List<String> points() {
        return qdrant.pointLines("rag_main");
    }

    private static List<List<String>> rows(PgDatabase db) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = db.connection().open(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(ROWS)) {
            while (r.next()) {
                rows.add(List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
            }
        }
        return rows;
    }
}
