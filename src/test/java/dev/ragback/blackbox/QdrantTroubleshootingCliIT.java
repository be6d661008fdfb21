package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.HumanText;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `ragback qdrant collections`, `snapshots` and `drop`: the runbook's section-10 curl calls, through bin/ragback. */
@ExtendWith(PostgresExtension.class)
@BlackBox
class QdrantTroubleshootingCliIT {
    private static final String API_KEY = "troubleshooting-api-key-4711";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNKS = 50;

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;
    private PgDatabase db;

    @BeforeEach
    void setUp(PgDatabase db) {
        this.db = db;
        qdrant = new QdrantDouble(API_KEY);
        RagFixtures.loadPoints(qdrant, CHUNKS);
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString())
                .env("QDRANT_API_KEY", API_KEY);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    @Test
    void qdrantTroubleshootingCommandsListCollectionsAndServerSnapshots() throws Exception {
        RagbackCli.Result collections = cli.run("qdrant", "collections").assertExit(0);
        assertTrue(collections.stdout().matches("(?s).*rag_main_v2\\s+green\\s+" + CHUNKS + "\\s+rag_main.*"), collections.stdout());
        RagbackCli.Result none = cli.run("qdrant", "snapshots").assertExit(0);
        assertTrue(none.stdout().contains("(no server-side snapshots of rag_main)"), none.stdout());

        // made as the runbook does it with curl, so the double answers with what Qdrant would list
        HttpResponse<String> made = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(qdrant.url() + "/collections/rag_main_v2/snapshots?wait=true")).header("api-key", API_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, made.statusCode(), made.body());
        String name = JSON.readTree(made.body()).at("/result/name").asText();
        Path file = qdrant.snapshotsDir().resolve("rag_main_v2").resolve(name);
        long size = Files.size(file);
        String checksum = dev.ragback.app.files.Sha256.of(file, name).sha256();
        assertEquals(List.of(name), qdrant.snapshotNames("rag_main_v2"));

        RagbackCli.Result text = cli.run("qdrant", "snapshots").assertExit(0);
        String line = text.stdoutLines().stream().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + name + ":\n" + text.stdout()));
        Matcher columns = Pattern.compile(Pattern.quote(name) + "\\s+(" + HumanText.SIZE + ")\\s+\\S+\\s+([0-9a-f]{64})").matcher(line);
        assertTrue(columns.matches(), line);
        HumanText.assertSize(size, columns.group(1));
        assertEquals(checksum, columns.group(2), line);
        assertFalse(text.stdout().contains("(no server-side snapshots"), text.stdout());

        JsonNode snapshots = JSON.readTree(cli.run("--json", "qdrant", "snapshots", "--collection", "rag_main").assertExit(0).stdout());
        assertEquals(1, snapshots.size(), snapshots.toString());
        assertEquals(name, snapshots.at("/0/name").asText());
        assertEquals(size, snapshots.at("/0/size").asLong());
        assertEquals(checksum, snapshots.at("/0/checksum").asText());
        assertTrue(snapshots.at("/0/creation_time").isTextual(), snapshots.toString());

        cli.run("qdrant", "snapshots", "--collection", "../x").assertExit(2);
    }

    @Test
    void dropDeletesTheCollectionARestoreKeptAndNothingLive() throws Exception {
        String kept = "rag_main_v2_r20261128-031502";
        qdrant.createCollection(kept, 4, "Cosine");
        RagbackCli.Result listed = cli.run("qdrant", "collections").assertExit(0);
        assertTrue(listed.stdout().contains("when no longer needed: ragback qdrant drop " + kept), listed.stdout());

        RagbackCli.Result live = cli.run("qdrant", "drop", "rag_main_v2", "--yes").assertExit(2);
        assertTrue(live.stderrLines().get(live.stderrLines().size() - 1).contains("alias rag_main points at it"), live.stderr());
        cli.run("qdrant", "drop", kept, "--dry-run").assertExit(0);
        cli.run("qdrant", "drop", kept).assertExit(2); // no --yes and no terminal
        assertTrue(qdrant.store().names().contains(kept), "nothing dropped yet");

        JsonNode dropped = JSON.readTree(cli.run("--json", "qdrant", "drop", kept, "--yes").assertExit(0).stdout());
        assertTrue(dropped.get("dropped").asBoolean(), dropped.toString());
        assertFalse(qdrant.store().names().contains(kept));
        assertTrue(qdrant.store().names().contains("rag_main_v2"));
        assertEquals(List.of(List.of(kept)), db.rows("SELECT metadata->>'collection' FROM task_events"
                + " WHERE event_type = 'qdrant_collection_dropped'"));
    }
}
