package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.cli.JsonShape;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * release and revert last-green through bin/ragback: three release directories (v1.0.0 and
 * v1.1.0 green, v2.0.0 current), schema v1.1.0 applied in the throwaway PostgreSQL, and the
 * alias rag_main -> rag_main_v2 in the Qdrant double.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class ReleaseCliIT {
    @TempDir
    Path work;

    private PgDatabase db;
    private QdrantDouble qdrant;
    private Path releases;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) throws IOException {
        this.db = db;
        db.execute("DROP TABLE IF EXISTS task_events");
        db.execute("DROP TABLE IF EXISTS schema_migrations");
        db.execute("CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz, up_sha256 text, "
                + "down_sha256 text, down_sql text, dirty boolean)");
        db.execute("INSERT INTO schema_migrations VALUES ('v1.0.0', now(), 'a', 'b', '-- down', false), "
                + "('v1.1.0', now(), 'c', 'd', '-- down', false)");
        qdrant = new QdrantDouble();
        qdrant.createCollection("rag_main_v2", 4, "Cosine");
        qdrant.createAlias("rag_main", "rag_main_v2");

        releases = work.resolve("ops").resolve("releases");
        for (String version : new String[] {"v1.0.0", "v1.1.0", "v2.0.0"}) {
            Files.createDirectories(releases.resolve(version));
        }
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());

        cli.run("release", "mark-green", "v1.0.0").assertExit(0);
        cli.run("release", "mark-green", "v1.1.0").assertExit(0);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    private Path current() throws IOException {
        return Files.readSymbolicLink(releases.resolve("current"));
    }

    /** Events of one type, oldest first, as "task_id key=value ..." for the metadata keys asked for. */
    private List<String> events(String type, String... keys) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.connection().open(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT task_id, metadata::text FROM task_events WHERE event_type = '"
                     + type + "' ORDER BY id")) {
            while (result.next()) {
                JsonNode metadata = new ObjectMapper().readTree(result.getString(2));
                StringBuilder row = new StringBuilder(result.getString(1));
                for (String key : keys) {
                    row.append(' ').append(key).append('=').append(metadata.path(key).asText("<missing>"));
                }
                rows.add(row.toString());
            }
        } catch (IOException e) {
            throw new AssertionError("metadata is not JSON", e);
        }
        return rows;
    }

    @Test
    void releaseListAndCurrentShowTheDirectories() throws Exception {
        RagbackCli.Result list = cli.run("release", "list").assertExit(0);
        assertEquals(List.of("  VERSION          GREEN ", "  v1.0.0           green ", "  v1.1.0           green ",
                "* v2.0.0           -     ", "* current: v2.0.0"), list.stdoutLines());
        assertEquals("v2.0.0\n", cli.run("release", "current").assertExit(0).stdout());
        JsonNode json = new ObjectMapper().readTree(cli.run("--json", "release", "list").assertExit(0).stdout());
        assertEquals("v2.0.0", json.get("current").asText());
        assertTrue(json.get("releases").get(1).get("green").asBoolean());
        assertTrue(Files.exists(releases.resolve("v1.1.0").resolve(".green")));
        assertEquals(List.of("release version=v1.0.0", "release version=v1.1.0"), events("release_green", "version"));
    }

    @Test
    void revertLastGreenActivatesV110AfterTheMatrixSaysOk() throws Exception {
        RagbackCli.Result result = cli.run("revert", "last-green", "--yes");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(Path.of("v1.1.0"), current());
        assertEquals(List.of("revert: v2.0.0 -> v1.1.0", "compat: OK  (v1.1.0, v1.1.0, rag_main_v2)  (matrix line 12)",
                "release v1.1.0 is live (was v2.0.0)"), result.stdoutLines());
        assertEquals("", result.stderr());
        assertEquals(List.of("release from=v2.0.0 to=v1.1.0 forced=false compat=OK schema=v1.1.0 collection=rag_main_v2"),
                events("release_revert", "from", "to", "forced", "compat", "schema", "collection"));
    }

    @Test
    void commandModeRevertsThroughTheDeployTool() throws Exception {
        Path live = Files.writeString(work.resolve("live"), "v2.0.0\n");
        Path deploy = Files.writeString(work.resolve("deploy.sh"), "case \"$1\" in\n"
                + "  current) cat \"" + live + "\" ;;\n"
                + "  activate) printf '%s\\n' \"$2\" > \"" + live + "\" ;;\n  *) exit 2 ;;\nesac\n");
        Files.createDirectories(work.resolve("ops"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "release:\n  mode: command\n"
                + "  current_command: [\"sh\", \"" + deploy + "\", \"current\"]\n"
                + "  activate_command: [\"sh\", \"" + deploy + "\", \"activate\", \"{version}\"]\n");
        cli.run("release", "mark-green", "v1.0.0").assertExit(0);
        cli.run("release", "mark-green", "v1.1.0").assertExit(0);
        assertEquals("v2.0.0\n", cli.run("release", "current").assertExit(0).stdout());

        RagbackCli.Result result = cli.run("revert", "last-green", "--yes").assertExit(0);
        assertEquals("v1.1.0", Files.readString(live).strip(), result.toString());
        assertEquals(Path.of("v2.0.0"), current(), "the symlink of symlink mode is not touched");
        assertEquals("v1.1.0\n", cli.run("release", "current").assertExit(0).stdout());
        assertTrue(events("release_revert", "from", "to").contains("release from=v2.0.0 to=v1.1.0"),
                events("release_revert", "from", "to").toString());
    }

    @Test
    void anIncompatibleTargetExits3AndLeavesCurrentAlone() throws Exception {
        try (InputStream fixture = getClass().getResourceAsStream("matrix-v1.1.0-incompatible.md")) {
            assertNotNull(fixture, "fixture matrix");
            Files.copy(fixture, work.resolve("compat/matrix.md"), StandardCopyOption.REPLACE_EXISTING);
        }
        RagbackCli.Result result = cli.run("revert", "last-green", "--yes");
        assertEquals(3, result.exitCode(), result.toString());
        assertEquals("ragback: revert last-green: v2.0.0 -> v1.1.0 blocked: (v1.1.0, v1.1.0, rag_main_v2) is INCOMPATIBLE "
                        + "(matrix line 6); nothing changed — fix the schema or collection first, or pass --force to revert anyway",
                result.stderrLines().get(result.stderrLines().size() - 1));
        assertEquals(Path.of("v2.0.0"), current());
        assertEquals(List.of(), events("release_revert"));

        RagbackCli.Result forced = cli.run("revert", "last-green", "--yes", "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(forced.stderr().contains("warning: --force: (v1.1.0, v1.1.0, rag_main_v2) is INCOMPATIBLE"), forced.stderr());
        assertEquals(Path.of("v1.1.0"), current());
        assertEquals(List.of("release forced=true compat=INCOMPATIBLE"), events("release_revert", "forced", "compat"));
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        RagbackCli.Result result = cli.run("--json", "revert", "last-green", "--dry-run");
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode json = new ObjectMapper().readTree(result.stdout());
        assertEquals("{from:string,to:string,compat:{status:string,binary:string,schema:string,collection:string,"
                + "line:int},forced:bool,dry_run:bool,changed:bool,event_id:null,warnings:[]}",
                JsonShape.of(json));
        assertEquals("v1.1.0", json.get("to").asText());
        assertEquals("OK", json.get("compat").get("status").asText());
        assertTrue(json.get("dry_run").asBoolean());
        assertEquals(Path.of("v2.0.0"), current());
    }

    @Test
    void withoutYesAndWithoutATerminalRevertRefusesWithExit2() throws Exception {
        RagbackCli.Result result = cli.run("revert", "last-green");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("refusing to change anything without --yes"), result.stderr());
        assertEquals(Path.of("v2.0.0"), current());
    }

    @Test
    void whenTheCurrentReleaseIsTheNewestGreenOneThereIsNothingToRevertAndItExits0() throws Exception {
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v1.1.0"));
        RagbackCli.Result result = cli.run("revert", "last-green", "--yes");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(List.of("nothing to revert: v1.1.0 is the newest green release"), result.stdoutLines());
        assertEquals(Path.of("v1.1.0"), current());
        assertEquals(List.of(), events("release_revert", "to"));
        JsonNode json = new ObjectMapper().readTree(cli.run("--json", "revert", "last-green", "--yes").assertExit(0).stdout());
        assertEquals("{from:string,to:null,compat:null,forced:bool,dry_run:bool,changed:bool,event_id:null,"
                + "warnings:[string]}",
                JsonShape.of(json));
        assertFalse(json.get("changed").asBoolean());
        assertTrue(json.get("to").isNull(), json.toString());
    }

    @Test
    void noGreenReleaseOlderThanCurrentExits1() throws Exception {
        Files.createDirectories(releases.resolve("v0.9.0"));
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v0.9.0"));
        RagbackCli.Result result = cli.run("revert", "last-green", "--yes");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("ragback: revert last-green: no green release older than v0.9.0 (green: v1.0.0, v1.1.0) — "
                + "mark a known-good release first: ragback release mark-green VERSION", result.stderrLines().get(result.stderrLines().size() - 1));
    }

    @Test
    void compatCheckWithoutFlagsReportsTheLiveTriple() throws Exception {
        RagbackCli.Result live = cli.run("compat", "check");
        assertEquals(3, live.exitCode(), live.toString());
        assertEquals("INCOMPATIBLE  (v2.0.0, v1.1.0, rag_main_v2)  (live: binary, schema, collection)", live.stdout().strip());

        JsonNode json = new ObjectMapper().readTree(cli.run("--json", "compat", "check", "--binary", "v1.1.0").stdout());
        assertEquals("OK", json.get("status").asText());
        assertEquals("v1.1.0", json.get("schema").asText());
        assertEquals("rag_main_v2", json.get("collection").asText());
        assertEquals(List.of("schema", "collection"), List.of(json.get("live").get(0).asText(), json.get("live").get(1).asText()));

        db.execute("DROP TABLE schema_migrations");
        RagbackCli.Result noSchema = cli.run("compat", "gate");
        assertEquals(2, noSchema.exitCode(), noSchema.toString());
        assertEquals("ragback: live triple incomplete: schema unknown: no applied migration in schema_migrations — pass --schema V",
                noSchema.stderrLines().get(noSchema.stderrLines().size() - 1));
    }
}
