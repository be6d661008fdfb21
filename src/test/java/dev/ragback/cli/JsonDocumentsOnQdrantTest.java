package dev.ragback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.Main;
import dev.ragback.app.Progress;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.testing.cli.JsonShape;
import dev.ragback.testing.pg.ThrowawayPostgres;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.QdrantDoubleCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The --json documents of doctor, snapshot verify and the qdrant commands, pinned whole (keys, order, nulls, number
 * types) in process, against the Qdrant double; PostgreSQL is a closed port. They were hand-built maps and are records.
 */
class JsonDocumentsOnQdrantTest {
    @TempDir
    Path dir;

    private QdrantDouble qdrant;

    @BeforeEach
    void collections() {
        qdrant = new QdrantDouble();
        qdrant.createCollection("rag_main_v2", 4, "Cosine");
        qdrant.createCollection("rag_main_v1", 4, "Cosine");
        qdrant.createAlias("rag_main", "rag_main_v2");
        qdrant.upsertPoints("rag_main_v2", "[{\"id\":1,\"vector\":[1,0,0,0]},{\"id\":2,\"vector\":[0,1,0,0]}]");
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    private CliRun run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("QDRANT_URL", qdrant.url().toString(), "RAGBACK_BACKUPS",
                dir.resolve("backups").toString(), "PGHOST", "127.0.0.1", "PGPORT", String.valueOf(ThrowawayPostgres.closedPort()),
                "PGCONNECT_TIMEOUT", "2"));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, dir, new BufferedReader(java.io.Reader.nullReader()),
                false, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    private CliRun run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void qdrantCollectionsAndSnapshots() throws Exception {
        CliRun collections = run("--json", "qdrant", "collections");
        assertEquals(0, collections.exitCode(), collections.err());
        assertEquals("""
                [ {
                  "name" : "rag_main_v2",
                  "status" : "green",
                  "points_count" : 2,
                  "aliases" : [ "rag_main" ],
                  "note" : null
                }, {
                  "name" : "rag_main_v1",
                  "status" : "green",
                  "points_count" : 0,
                  "aliases" : [ ],
                  "note" : null
                } ]
                """, collections.out());

        String name = serverSnapshot("rag_main_v2");
        CliRun snapshots = run("--json", "qdrant", "snapshots", "--collection", "rag_main");
        assertEquals(0, snapshots.exitCode(), snapshots.err());
        assertEquals("[{name:string,size:int,creation_time:string,checksum:string,left_by_ragback:bool}]", JsonShape.of(snapshots.out()));
        JsonNode listed = new ObjectMapper().readTree(snapshots.out()).get(0);
        assertEquals(name + " false", listed.get("name").asText() + " " + listed.get("left_by_ragback"));
    }

    @Test
    void qdrantSwitchAliasDropRecoverAndPrune() throws Exception {
        CliRun switched = run("--json", "qdrant", "switch-alias", "rag_main", "rag_main_v1", "--yes");
        assertEquals(0, switched.exitCode(), switched.err());
        assertEquals("""
                {
                  "alias" : "rag_main",
                  "from" : "rag_main_v2",
                  "to" : "rag_main_v1"
                }
                """, switched.out());

        CliRun dropped = run("--json", "qdrant", "drop", "rag_main_v2", "--yes");
        assertEquals(0, dropped.exitCode(), dropped.err());
        assertEquals("""
                {
                  "collection" : "rag_main_v2",
                  "points" : 2,
                  "dropped" : true
                }
                """, dropped.out());

        qdrant.upsertPoints("rag_main_v1", "[{\"id\":7,\"vector\":[1,0,0,0]}]");
        String name = serverSnapshot("rag_main_v1");
        CliRun recovered = run("--json", "qdrant", "recover", name, "--yes");
        assertEquals(0, recovered.exitCode(), recovered.err());
        assertEquals("""
                {
                  "collection" : "rag_main_v1",
                  "snapshot" : "NAME",
                  "sha256" : "SHA",
                  "size" : 5632
                }
                """, recovered.out().replace(name, "NAME").replaceAll("\"[0-9a-f]{64}\"", "\"SHA\""));

        qdrant.upload("rag_main_v1", "ragback-left-1.snapshot", new byte[100]);
        CliRun pruned = run("--json", "qdrant", "prune-snapshots", "--yes");
        assertEquals(0, pruned.exitCode(), pruned.err());
        assertEquals("""
                {
                  "files" : [ "rag_main_v1/ragback-left-1.snapshot" ],
                  "bytes" : 100,
                  "deleted" : true
                }
                """, pruned.out());
    }

    @Test
    void aDryRunSaysItsPlanOnStderrUnderJsonOnStdoutWithoutAndChangesNothing() {
        CliRun json = run("--json", "qdrant", "drop", "rag_main_v1", "--dry-run");
        assertEquals(0, json.exitCode(), json.err());
        assertEquals("Plan (dry run): delete collection rag_main_v1 and its 0 points", json.err().strip());
        assertTrue(json.out().contains("\"dropped\" : false"), json.out());

        CliRun text = run("qdrant", "prune-snapshots", "--dry-run");
        assertEquals(0, text.exitCode(), text.err());
        assertEquals("Plan (dry run): delete 0 snapshot file(s) left by ragback (0 B)", text.out().strip());
        assertTrue(qdrant.store().names().contains("rag_main_v1"), "nothing dropped: " + qdrant.store().names());
    }

    @Test
    void qdrantShardsOnACluster() throws Exception {
        try (QdrantDoubleCluster cluster = QdrantDoubleCluster.start(2)) {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.urls().get(0)
                    + "/collections/rag_main_v2")).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":2,\"replication_factor\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, created.statusCode(), created.body());
            CliRun shards = run(Map.of("QDRANT_URL", cluster.urls().get(0), "QDRANT_NODES", String.join(",", cluster.urls())),
                    "--json", "qdrant", "shards", "--collection", "rag_main_v2");
            assertEquals(0, shards.exitCode(), shards.err());
            assertEquals("{peers:[{peer_id:int,rest_url:string,p2p_uri:string,state:string}],collection:string,shard_count:int,"
                    + "transfers:int,unreachable_peers:[],shards:[{shard_id:int,shard_key:null,points_count:int,all_active:bool,"
                    + "replicas:[{peer_id:int,state:string,points_count:int}]}]}", JsonShape.of(pointsCounted(shards.out())));
        }
    }

    @Test
    void doctorWithPostgresDown() throws Exception {
        CliRun doctor = run("--json", "doctor");
        assertEquals(1, doctor.exitCode(), doctor.err());
        assertEquals("{config_file:string,config:[{key:string,value:string,source:string,origin:string}|{key:string,value:null,"
                + "source:string,origin:string}],checks:[{name:string,status:string,detail:string,fix:string}|{name:string,"
                + "status:string,detail:string,fix:null}],healthy:bool}", JsonShape.of(doctor.out()));
        JsonNode json = new ObjectMapper().readTree(doctor.out());
        assertEquals("{\"key\":\"qdrant.url\",\"value\":\"" + qdrant.url() + "\",\"source\":\"env\",\"origin\":\"env QDRANT_URL\"}",
                json.at("/config/0").toString());
        assertEquals("postgres fail start PostgreSQL or point ragback at it (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) false",
                json.at("/checks/0/name").asText() + " " + json.at("/checks/0/status").asText() + " " + json.at("/checks/0/fix").asText()
                        + " " + json.get("healthy"));
        assertTrue(json.get("config_file").asText().startsWith("none (no --config"), json.toString());
    }

    @Test
    void snapshotVerify() throws Exception {
        FakeVectorStore vectors = new FakeVectorStore().withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 20)
                .withAlias("rag_main", "rag_main_v2");
        FakeDatabaseProbe database = new FakeDatabaseProbe();
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        String id = new SnapshotCreator(new BackupsDir(dir.resolve("backups")), new SnapshotCreator.Sources(vectors, database,
                new FakeDumpTool(), List::of, null), settings, "0.1.0", Clock.systemUTC()).create("pin", true, Progress.NONE)
                .manifest().id();
        CliRun verified = run("--json", "snapshot", "verify", id);
        assertEquals(0, verified.exitCode(), verified.err());
        assertEquals("""
                {
                  "sets" : [ {
                    "id" : "ID",
                    "ok" : true,
                    "files" : [ {
                      "path" : "qdrant/rag_main_v2.snapshot",
                      "size" : 43,
                      "ok" : true,
                      "problem" : null
                    }, {
                      "path" : "postgres/ragdb.dump",
                      "size" : 18,
                      "ok" : true,
                      "problem" : null
                    } ],
                    "deep" : false,
                    "deep_problem" : null,
                    "signature" : "unchecked",
                    "signature_problem" : null
                  } ],
                  "ok" : true
                }
                """, verified.out().replace(id, "ID"));
    }

    /** A shard's points_count is null until the double's replica answers: counted as 0, so the shape stays one. */
    private static JsonNode pointsCounted(String shards) throws Exception {
        JsonNode json = new ObjectMapper().readTree(shards);
        json.get("shards").forEach(shard -> {
            if (shard.get("points_count").isNull()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) shard).put("points_count", 0);
            }
        });
        return json;
    }

    private String serverSnapshot(String collection) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(qdrant.url() + "/collections/" + collection + "/snapshots?wait=true"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        return new ObjectMapper().readTree(created.body()).at("/result/name").asText();
    }
}
