package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.cli.JsonShape;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * migrate status/up/down/verify through bin/ragback against the throwaway PostgreSQL, with the
 * shipped migrations and two broken v1.1.0 fixtures (resources beside this test) after the shipped v1.0.0.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class MigrateCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHIPPED = RagbackCli.projectDir().resolve("ops/migrations");

    @TempDir
    Path work;

    private PgDatabase db;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) {
        this.db = db;
        db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        cli = RagbackCli.create().workDir(work).env(db.env());
    }

    private String shipped() {
        return "migrations.dir=" + SHIPPED;
    }

    /** The shipped v1.0.0 and the fixture's v1.1.0, in a directory of their own. */
    private String fixture(String name) throws IOException, URISyntaxException {
        Path dir = work.resolve("migrations-" + name);
        copy(SHIPPED.resolve("v1.0.0"), dir.resolve("v1.0.0"));
        copy(Path.of(getClass().getResource("migrations/" + name + "/v1.1.0").toURI()), dir.resolve("v1.1.0"));
        return "migrations.dir=" + dir;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String file : List.of("up.sql", "down.sql")) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
    }

    private String query(String sql) throws SQLException {
        return query(db.name(), sql);
    }

    private static String query(String database, String sql) throws SQLException {
        try (Connection connection = ThrowawayPostgres.shared().connection(database).open();
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private List<String> rows() throws SQLException {
        if ("f".equals(query("SELECT to_regclass('schema_migrations') IS NOT NULL"))) {
            return List.of();
        }
        String versions = query("SELECT string_agg(version || CASE WHEN dirty THEN ' dirty' ELSE '' END, ',' ORDER BY version) "
                + "FROM schema_migrations");
        return versions == null ? List.of() : List.of(versions.split(","));
    }

    private static String scratchDatabases() throws SQLException {
        return query("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'ragback\\_verify\\_%'");
    }

    private boolean v110Present() throws SQLException {
        return "t".equals(query("SELECT to_regclass('rag_ingest_runs') IS NOT NULL"))
                || !"0".equals(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'rag_chunks' "
                + "AND column_name IN ('content_sha256', 'ingest_run_id')"))
                || "t".equals(query("SELECT to_regclass('rag_chunks_content_sha256') IS NOT NULL"));
    }

    @Test
    void upAppliesInOrderAndStatusShowsTheCurrentVersion() throws Exception {
        RagbackCli.Result first = cli.run("--set", shipped(), "migrate", "up", "--to", "v1.0.0").assertExit(0);
        assertTrue(first.stdout().startsWith("applied v1.0.0 at "), first.stdout());
        assertEquals(List.of("v1.0.0"), rows());
        RagbackCli.Result rest = cli.run("--set", shipped(), "migrate", "up").assertExit(0);
        assertTrue(rest.stdout().contains("applied v1.1.0 at "), rest.stdout());
        assertTrue(rest.stdout().contains("schema is at v1.1.0"), rest.stdout());
        assertTrue(v110Present());

        RagbackCli.Result text = cli.run("--set", shipped(), "migrate", "status").assertExit(0);
        assertTrue(text.stdout().contains("current: v1.1.0"), text.stdout());
        assertTrue(text.stdout().matches("(?s).*\\R  v1\\.1\\.0 +yes +\\d{4}-\\d\\d-\\d\\dT\\S+Z +- +match\\R.*"), text.stdout());
        JsonNode status = JSON.readTree(cli.run("--json", "--set", shipped(), "migrate", "status").assertExit(0).stdout());
        assertEquals("{dir:string,database:string,current:string,versions:[{version:string,file:bool,applied:bool,"
                + "applied_at:string,dirty:bool,checksum:string}],pending:[],dirty:[]}",
                JsonShape.of(status));
        assertEquals("v1.1.0", status.get("current").asText());
        assertEquals(2, status.get("versions").size());
        for (JsonNode version : status.get("versions")) {
            assertTrue(version.get("applied").asBoolean());
            assertEquals("match", version.get("checksum").asText());
        }
        assertEquals(0, status.get("dirty").size());
        assertTrue(cli.run("--set", shipped(), "migrate", "up").assertExit(0).stdout().contains("nothing to apply; schema is at v1.1.0"));
    }

    @Test
    void downWithYesRevertsV110WithItsEscrowedSql() throws Exception {
        cli.run("--set", shipped(), "migrate", "up").assertExit(0);
        RagbackCli.Result down = cli.run("--set", shipped(), "migrate", "down", "--to", "v1.0.0", "--yes").assertExit(0);
        assertTrue(down.stdout().contains("revert v1.1.0 with its escrowed down.sql (4 statements)"), down.stdout());
        assertTrue(down.stdout().contains("reverted v1.1.0"), down.stdout());
        assertFalse(v110Present(), "v1.1.0's table, columns and index are gone");
        assertEquals("t", query("SELECT to_regclass('rag_chunks') IS NOT NULL"));
        assertEquals(List.of("v1.0.0"), rows());
    }

    @Test
    void upAndDownPrintOneJsonDocument() throws Exception {
        String up = cli.run("--json", "--set", shipped(), "migrate", "up", "--to", "v1.0.0").assertExit(0).stdout();
        assertEquals("{applied:[{version:string,at:string,duration_ms:int}],current:string,warnings:[]}",
                JsonShape.of(up));
        String nothing = cli.run("--json", "--set", shipped(), "migrate", "down", "--to", "v1.0.0", "--dry-run").assertExit(0).stdout();
        assertEquals("{database:string,from:string,to:string,plan:[],dry_run:bool,changed:bool,reverted:[],warnings:[]}",
                JsonShape.of(nothing));
        cli.run("--set", shipped(), "migrate", "up").assertExit(0);
        String down = cli.run("--json", "--set", shipped(), "migrate", "down", "--to", "v1.0.0", "--yes").assertExit(0).stdout();
        assertEquals("{database:string,from:string,to:string,plan:[{version:string,escrowed:bool}],dry_run:bool,"
                + "changed:bool,reverted:[{version:string,at:string,duration_ms:int}],warnings:[]}",
                JsonShape.of(down));
    }

    @Test
    void downWithoutYesOrTerminalAndDryRunChangeNothing() throws Exception {
        cli.run("--set", shipped(), "migrate", "up").assertExit(0);
        RagbackCli.Result refused = cli.run("--set", shipped(), "migrate", "down", "--to", "v1.0.0").assertExit(2);
        assertTrue(refused.stderr().contains("refusing to change anything without --yes"), refused.stderr());
        RagbackCli.Result dryRun = cli.run("--set", shipped(), "migrate", "down", "--to", "v1.0.0", "--dry-run").assertExit(0);
        assertTrue(dryRun.stdout().contains("down: v1.1.0 -> v1.0.0"), dryRun.stdout());
        assertTrue(dryRun.stdout().contains("dry run: nothing changed"), dryRun.stdout());
        assertTrue(v110Present());
        assertEquals(List.of("v1.0.0", "v1.1.0"), rows());
    }

    @Test
    void aBrokenUpNamesTheStatementLeavesADirtyRowAndBlocksUntilCleared() throws Exception {
        String broken = fixture("broken-up");
        RagbackCli.Result failed = cli.run("--set", broken, "migrate", "up").assertExit(1);
        assertTrue(failed.stdout().startsWith("applied v1.0.0 at "), failed.stdout());
        String last = failed.stderrLines().get(failed.stderrLines().size() - 1);
        assertTrue(last.startsWith("ragback: migrate up: v1.1.0: " + work.resolve("migrations-broken-up/v1.1.0/up.sql") + " line 5 failed: "
                + "ERROR: relation \"rag_chunkz\" does not exist; statement: ALTER TABLE rag_chunkz ADD COLUMN content_sha256 text;"), last);
        assertTrue(last.contains("v1.1.0 is marked dirty"), last);
        assertFalse(failed.stderr().contains("\tat "), failed.stderr());
        assertEquals("f", query("SELECT to_regclass('rag_ingest_runs') IS NOT NULL"), "the CREATE before the failure was rolled back");
        assertEquals(List.of("v1.0.0", "v1.1.0 dirty"), rows());

        RagbackCli.Result status = cli.run("--set", broken, "migrate", "status").assertExit(0);
        assertTrue(status.stdout().contains("DIRTY"), status.stdout());
        assertTrue(status.stdout().contains("    DELETE FROM schema_migrations WHERE version = 'v1.1.0' AND dirty;"), status.stdout());
        assertTrue(status.stdout().contains("current: v1.0.0"), status.stdout());
        RagbackCli.Result refused = cli.run("--set", shipped(), "migrate", "up").assertExit(1);
        assertTrue(refused.stderr().contains("refusing to migrate: v1.1.0 is dirty"), refused.stderr());
        assertEquals(List.of("v1.0.0", "v1.1.0 dirty"), rows());

        String clear = JSON.readTree(cli.run("--json", "--set", broken, "migrate", "status").stdout())
                .get("dirty").get(0).get("clear_sql").asText();
        db.execute(clear);
        cli.run("--set", shipped(), "migrate", "up").assertExit(0);
        assertEquals(List.of("v1.0.0", "v1.1.0"), rows());
        assertTrue(v110Present());
    }

    @Test
    void verifyPassesOnTheShippedMigrationsAndDropsItsScratchDatabase() throws Exception {
        RagbackCli.Result verify = cli.run("--set", shipped(), "migrate", "verify").assertExit(0);
        assertTrue(verify.stdout().contains("  v1.0.0  ok"), verify.stdout());
        assertTrue(verify.stdout().contains("  v1.1.0  ok"), verify.stdout());
        assertTrue(verify.stdout().matches("(?s).*scratch database ragback_verify_[0-9a-f]{8} dropped.*"), verify.stdout());
        assertTrue(verify.stdout().contains("verify: 2 version(s) passed"), verify.stdout());
        assertEquals("0", scratchDatabases());
        assertEquals("f", query("SELECT to_regclass('schema_migrations') IS NOT NULL"), "the live database is untouched");
    }

    @Test
    void verifyExits3WithTheSchemaDiffWhenADownForgetsAnIndex() throws Exception {
        String forgotten = fixture("forgotten-index");
        RagbackCli.Result verify = cli.run("--set", forgotten, "migrate", "verify").assertExit(3);
        List<String> out = verify.stdoutLines();
        int header = out.indexOf("--- schema before v1.1.0 up");
        assertTrue(header > 0, verify.stdout());
        assertEquals("+++ schema after v1.1.0 up and down", out.get(header + 1));
        assertTrue(out.get(header + 2).startsWith("@@ "), verify.stdout());
        List<String> changed = out.stream().filter(l -> l.startsWith("+") || l.startsWith("-"))
                .filter(l -> !l.startsWith("+++") && !l.startsWith("---")).toList();
        assertEquals(List.of("+CREATE INDEX rag_chunks_by_uri ON public.rag_chunks USING btree (uri);"), changed);
        String last = verify.stderrLines().get(verify.stderrLines().size() - 1);
        assertTrue(last.startsWith("ragback: migrate verify: v1.1.0: "), last);
        assertTrue(last.contains("v1.1.0/down.sql does not undo"), last);
        assertEquals("0", scratchDatabases());

        RagbackCli.Result json = cli.run("--json", "--set", forgotten, "migrate", "verify").assertExit(3);
        JsonNode report = JSON.readTree(json.stdout());
        assertEquals("{passed:bool,versions:[string],checksum_mismatches:[],scratch_database:string,"
                + "round_trips:[{version:string,passed:bool,failure:null,diff:[]}|{version:string,passed:bool,"
                + "failure:string,diff:[string]}],warnings:[]}",
                JsonShape.of(report));
        assertFalse(report.get("passed").asBoolean());
        JsonNode trip = report.get("round_trips").get(1);
        assertEquals("v1.1.0", trip.get("version").asText());
        assertTrue(trip.get("diff").toString().contains("+CREATE INDEX rag_chunks_by_uri"), trip.toString());
        assertEquals("0", scratchDatabases());
    }

    @Test
    void aMalformedDirectoryExits2NamingThePath() throws Exception {
        Path dir = work.resolve("half");
        copy(SHIPPED.resolve("v1.0.0"), dir.resolve("v1.0.0"));
        Files.delete(dir.resolve("v1.0.0/down.sql"));
        for (String[] command : List.of(new String[] {"status"}, new String[] {"up"}, new String[] {"verify"})) {
            RagbackCli.Result result = cli.run(Stream.concat(Stream.of("--set", "migrations.dir=" + dir, "migrate"), Stream.of(command))
                    .toArray(String[]::new)).assertExit(2);
            assertTrue(result.stderr().contains(dir.resolve("v1.0.0/down.sql") + ": missing"), result.stderr());
        }
        assertEquals(List.of(), rows());
        assertEquals("0", scratchDatabases());
    }
}
