package dev.ragback.cli;

import dev.ragback.testing.cli.JsonShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The --json documents of the commands that run without PostgreSQL or Qdrant, pinned whole: keys, their
 * order, nulls, number types and the pretty printing. The ITs pin the shapes of the others.
 */
class JsonDocumentsTest {
    private static final Path MATRIX = Path.of(System.getProperty("ragback.project.dir", "."), "compat", "matrix.md");
    private static final String USE_MATRIX = "--set=compat.matrix=" + MATRIX;
    private static final Map<String, String> TASKDB_DOWN = Map.of("PGPORT", "1", "PGHOST", "127.0.0.1", "PGCONNECT_TIMEOUT", "2");

    @TempDir
    Path dir;

    @Test
    void compatCheckIsOneFlatObjectWithNullForNoMatrixLine() {
        CliRun listed = CliRun.of("--json", USE_MATRIX, "compat", "check", "--binary", "v2.0.0", "--schema", "v1.1.0",
                "--collection", "rag_main_v2");
        assertEquals(3, listed.exitCode(), listed.err());
        assertEquals("""
                {
                  "binary" : "v2.0.0",
                  "schema" : "v1.1.0",
                  "collection" : "rag_main_v2",
                  "matrix_collection" : "rag_main_v2",
                  "status" : "INCOMPATIBLE",
                  "line" : 13,
                  "rule" : "check",
                  "passed" : false,
                  "live" : [ ]
                }
                """, listed.out());

        CliRun unlisted = CliRun.of("--json", USE_MATRIX, "compat", "gate", "--binary", "v9.9.9", "--schema", "v1.0.0",
                "--collection", "rag_main_v1");
        assertEquals(3, unlisted.exitCode(), unlisted.err());
        assertEquals("{binary:string,schema:string,collection:string,matrix_collection:string,status:string,line:null,"
                + "rule:string,passed:bool,live:[]}", JsonShape.of(unlisted.out()));
    }

    @Test
    void compatShowAndLint() {
        CliRun show = CliRun.of("--json", USE_MATRIX, "compat", "show");
        assertEquals(0, show.exitCode(), show.err());
        // source first: until the typed output it was a Map.of, whose two keys came in either order from run to run
        assertEquals("{source:string,rows:[{binary:string,schema:string,collection:string,status:string,line:int}]}",
                JsonShape.of(show.out()));

        CliRun lint = CliRun.of("--json", USE_MATRIX, "compat", "lint");
        assertEquals(0, lint.exitCode(), lint.err());
        assertEquals("""
                {
                  "source" : "%s",
                  "valid" : true,
                  "rows" : 4,
                  "warnings" : [ ]
                }
                """.formatted(MATRIX), lint.out());
    }

    @Test
    void aFailureUnderJsonIsOneErrorDocument() throws IOException {
        Path bad = dir.resolve("matrix.md");
        Files.writeString(bad, "| Binary Version | Schema Version | Qdrant Collection | Status |\n|---|---|---|---|\n| v1 | s1 | c1 | MAYBE |\n");
        CliRun run = CliRun.of("--json", "--set", "compat.matrix=" + bad, "compat", "lint");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("{error:string,hint:string,exit_code:int}", JsonShape.of(run.out()));
        assertEquals("  \"exit_code\" : 2", run.out().lines().toList().get(3));

        CliRun noHint = CliRun.of("--json", "eval-quick", "--queries", "0");
        assertEquals(2, noHint.exitCode(), noHint.err());
        assertEquals("""
                {
                  "error" : "--queries must be at least 1, got 0",
                  "hint" : null,
                  "exit_code" : 2
                }
                """, noHint.out());

        CliRun afterADocument = CliRun.of("--json", "--set", "release.dir=" + dir.resolve("none"), "release", "current");
        assertEquals(1, afterADocument.exitCode(), afterADocument.err());
        assertEquals("""
                {
                  "current" : null
                }
                """, afterADocument.out(), "one document: the error after it is on stderr only");
    }

    @Test
    void releaseListCurrentAndMarkGreen() throws IOException {
        Path releases = dir.resolve("releases");
        Files.createDirectories(releases.resolve("v1.0.0"));
        Files.createDirectories(releases.resolve("v1.1.0"));
        Files.createFile(releases.resolve("v1.0.0").resolve(".green"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v1.1.0"));
        String useDir = "--set=release.dir=" + releases;

        CliRun list = CliRun.of(TASKDB_DOWN, "--json", useDir, "release", "list");
        assertEquals(0, list.exitCode(), list.err());
        assertEquals("""
                {
                  "current" : "v1.1.0",
                  "releases" : [ {
                    "version" : "v1.0.0",
                    "green" : true,
                    "current" : false
                  }, {
                    "version" : "v1.1.0",
                    "green" : false,
                    "current" : true
                  } ]
                }
                """, list.out());

        CliRun current = CliRun.of(TASKDB_DOWN, "--json", useDir, "release", "current");
        assertEquals(0, current.exitCode(), current.err());
        assertEquals("{\n  \"current\" : \"v1.1.0\"\n}\n", current.out());

        CliRun green = CliRun.of(TASKDB_DOWN, "--json", useDir, "release", "mark-green", "v1.1.0");
        assertEquals(0, green.exitCode(), green.err());
        assertEquals("{\n  \"version\" : \"v1.1.0\",\n  \"green\" : true,\n  \"event_id\" : null\n}\n", green.out());
    }

    @Test
    void trafficSetAndStatus() {
        Path traffic = dir.resolve("traffic");
        String useFile = "--set=traffic.file=" + traffic;
        CliRun set = CliRun.of(TASKDB_DOWN, "--json", useFile, "traffic", "set", "40", "--yes");
        assertEquals(0, set.exitCode(), set.err());
        assertEquals("""
                {
                  "switch" : "file %s",
                  "old" : 100,
                  "new" : 40,
                  "event_id" : null
                }
                """.formatted(traffic), set.out());

        CliRun status = CliRun.of(TASKDB_DOWN, "--json", useFile, "traffic", "status");
        assertEquals(0, status.exitCode(), status.err());
        assertEquals("{\n  \"switch\" : \"file " + traffic + "\",\n  \"percent\" : 40\n}\n", status.out());
    }

    @Test
    void snapshotListShowsALeftoverWithNullsForWhatOnlyAManifestKnows() throws IOException {
        Path backups = dir.resolve("backups");
        Files.createDirectories(backups.resolve(".tmp-20261128-031502"));
        CliRun list = CliRun.of("--json", "--set=backups.dir=" + backups, "snapshot", "list");
        assertEquals(0, list.exitCode(), list.err());
        assertEquals("""
                [ {
                  "id" : "20261128-031502",
                  "created_at" : null,
                  "label" : null,
                  "golden" : false,
                  "qdrant_bytes" : null,
                  "postgres_bytes" : null,
                  "status" : "incomplete",
                  "schema_version" : null,
                  "binary_version" : null,
                  "qdrant_version" : null,
                  "problem" : "incomplete (left by an interrupted create)",
                  "path" : "%s"
                } ]
                """.formatted(backups.resolve(".tmp-20261128-031502")), list.out());
    }

    @Test
    void snapshotListAndPruneOfAnEmptyDirectory() {
        String useDir = "--set=backups.dir=" + dir.resolve("backups");
        CliRun list = CliRun.of("--json", useDir, "snapshot", "list");
        assertEquals(0, list.exitCode(), list.err());
        assertEquals("[ ]\n", list.out());

        CliRun prune = CliRun.of("--json", useDir, "snapshot", "prune", "--keep", "1", "--dry-run");
        assertEquals(0, prune.exitCode(), prune.err());
        assertEquals("""
                {
                  "dry_run" : true,
                  "removed" : [ ],
                  "aborted_uploads" : 0,
                  "kept" : [ ]
                }
                """, prune.out());
    }
}
