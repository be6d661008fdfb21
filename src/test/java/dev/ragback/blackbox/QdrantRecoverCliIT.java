package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.qdrant.StoredCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qdrant recover through bin/ragback: a server-side snapshot brought back, checksum verified. */
class QdrantRecoverCliIT {
    private static final String KEY = "recover-key-5150";

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp() {
        qdrant = new QdrantDouble(KEY);
        RagFixtures.loadPoints(qdrant, 300);
        cli = RagbackCli.create().workDir(work).env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", KEY);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    private String serverSnapshot() throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(qdrant.url() + "/collections/rag_main_v2/snapshots?wait=true")).header("api-key", KEY)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        return new ObjectMapper().readTree(created.body()).at("/result/name").asText();
    }

    @Test
    void recoversTheCollectionBehindTheAliasFromAServerSideSnapshot() throws Exception {
        String name = serverSnapshot();
        List<StoredCollection.Point> before = qdrant.points("rag_main");
        qdrant.deletePoints("rag_main_v2", 1L, 2L, 3L);
        cli.run("qdrant", "recover", name).assertExit(2);
        cli.run("qdrant", "recover", name, "--dry-run").assertExit(0);
        assertEquals(before.size() - 3, qdrant.points("rag_main").size());

        RagbackCli.Result result = cli.run("qdrant", "recover", name, "--yes").assertExit(0);
        assertTrue(result.stdout().contains("recovered rag_main_v2 from " + name), result.stdout());
        assertEquals(before.toString(), qdrant.points("rag_main").toString());
        String checksum = qdrant.recoveries().get(0).checksum();
        assertTrue(checksum != null && checksum.matches("[0-9a-f]{64}"), "uploaded with the verified checksum: " + checksum);
    }

    @Test
    void unknownAndUnsafeNamesAreRefused() {
        RagbackCli.Result unknown = cli.run("qdrant", "recover", "nope.snapshot", "--yes").assertExit(5);
        assertTrue(unknown.stderr().contains("Qdrant has no snapshot 'nope.snapshot' of rag_main_v2"), unknown.stderr());
        cli.run("qdrant", "recover", "../../etc/passwd", "--yes").assertExit(2);
        cli.run("qdrant", "recover", "x", "--collection", "a/b", "--yes").assertExit(2);
    }
}
