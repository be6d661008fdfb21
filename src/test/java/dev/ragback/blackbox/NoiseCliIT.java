package dev.ragback.blackbox;

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

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One failure, one line: logs read as warnings do, and verify does not repeat a difference. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class NoiseCliIT {
    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        qdrant = new QdrantDouble();
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
        cli.run("--set", "migrations.dir=" + RagbackCli.projectDir().resolve("ops/migrations"), "migrate", "up", "--to", "v1.0.0")
                .assertExit(0);
        RagFixtures.loadChunks(db, 200);
        RagFixtures.createTaskEvents(db);
        RagFixtures.loadPoints(qdrant, 200);
        cli.run("snapshot", "create", "--golden").assertExit(0);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    @Test
    void aWrongPasswordIsWarnedInTheWarningsFormatNeverAsATimestampedLog() {
        // a process: the jar's own logging binding and nothing the JVM adds on stderr
        RagbackCli.Result run = cli.process().env("PGPASSWORD", "wrong").run("rollback", "auto", "--reason", "manual", "--dry-run");
        assertEquals(1, run.exitCode(), run.toString());
        for (String line : run.stderrLines()) {
            assertTrue(line.startsWith("warning: ") || line.startsWith("ragback: "), "a line in another format: " + line);
        }
    }

    @Test
    void aWrongPasswordIsSaidOnceWithItsHintWhateverTheCommand() {
        RagbackCli wrong = cli.env("PGPASSWORD", "wrong");
        for (String[] command : List.of(new String[] {"doctor"}, new String[] {"rollback", "auto", "--reason", "manual", "--dry-run"},
                new String[] {"history"}, new String[] {"smoke"}, new String[] {"snapshot", "create"})) {
            RagbackCli.Result run = wrong.run(command);
            assertEquals(1, run.exitCode(), run.toString());
            String said = String.join("\n", command) + ": " + run;
            String all = run.stdout() + run.stderr();
            int times = all.split("password authentication failed", -1).length - 1;
            int expected = command[0].equals("doctor") ? 2 : 1; // doctor's table on stdout, its fail list on stderr
            assertEquals(expected, times, said);
            assertTrue(all.contains("; check PGPASSWORD"), said);
            assertTrue(!all.contains("FATAL"), said);
        }
    }

    @Test
    void aSocketDirectoryAsPghostIsOneLineNotTheDriversLog() {
        RagbackCli.Result run = cli.env("PGHOST", "/var/run/postgresql").run("history");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("ragback: PostgreSQL host /var/run/postgresql is a Unix socket directory; ragback connects "
                + "over TCP only — set PGHOST"), run.stderr());
        assertTrue(!run.stderr().contains("too many /") && !run.stderr().contains("WARNING") && !run.stderr().contains("Usage:"),
                run.stderr());
    }

    @Test
    void verifyListsEachDifferenceOnceAndItsLastLineCountsThem(PgDatabase db) {
        db.execute("DELETE FROM rag_chunks WHERE id % 3 = 0");
        qdrant.deletePoints("rag_main", 1, 2, 3);
        RagbackCli.Result verify = cli.run("verify");
        assertEquals(3, verify.exitCode(), verify.toString());
        List<String> differs = verify.stderrLines().stream().filter(l -> l.startsWith("differs: ")).toList();
        assertTrue(differs.size() >= 2, verify.stderr());
        for (String line : differs) {
            String problem = line.substring("differs: ".length());
            assertEquals(1, verify.stderr().split(java.util.regex.Pattern.quote(problem), -1).length - 1,
                    "said more than once: " + problem + "\n" + verify.stderr());
        }
        String last = verify.stderrLines().get(verify.stderrLines().size() - 1);
        assertTrue(last.matches("ragback: verify against \\S+: \\d+ difference\\(s\\), listed above — .*"), last);
    }
}
