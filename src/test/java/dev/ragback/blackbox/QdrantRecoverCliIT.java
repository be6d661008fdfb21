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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qdrant recover through bin/ragback: a server-side snapshot brought back, checksum verified. */
@BlackBox
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
    void aDownloadThatDoesNotMatchTheServersChecksumIsRefusedAndNothingIsUploaded() throws Exception {
        qdrant.wrongChecksumOnNextSnapshots(1);
        String name = serverSnapshot();
        Path file = qdrant.snapshotsDir().resolve("rag_main_v2").resolve(name);
        String actual = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.nio.file.Files.readAllBytes(file)));
        String listed = new ObjectMapper().readTree(cli.run("--json", "qdrant", "snapshots").assertExit(0).stdout()).at("/0/checksum").asText();
        assertTrue(listed.matches("[0-9a-f]{64}") && !listed.equals(actual), "the double lists a wrong checksum: " + listed);
        qdrant.deletePoints("rag_main_v2", 1L, 2L, 3L);
        List<StoredCollection.Point> damaged = qdrant.points("rag_main");
        qdrant.clearRequests();

        RagbackCli.Result result = cli.run("qdrant", "recover", name, "--yes").assertExit(5);
        assertEquals("", result.stdout().replaceFirst("(?m)^Plan: .*\\R", ""), "nothing but the plan on stdout");
        assertTrue(result.stderr().contains("snapshot " + name + " has sha256 " + actual.substring(0, 12) + "… but Qdrant's checksum says "
                + listed.substring(0, 12) + "…"),
                result.stderr());
        assertTrue(result.stderr().contains("ragback snapshot restore"), "says what to do next: " + result.stderr());
        assertFalse(result.stderr().contains("\tat "), "no stack trace: " + result.stderr());
        assertEquals(List.of(), qdrant.recoveries(), "nothing uploaded or recovered");
        assertTrue(qdrant.requests().stream().noneMatch(r -> r.path().endsWith("/snapshots/upload") || r.path().endsWith("/snapshots/recover")),
                qdrant.requests().toString());
        assertTrue(qdrant.requests().stream().anyMatch(r -> r.method().equals("GET") && r.path().endsWith("/snapshots/" + name)),
                "it did download the snapshot: " + qdrant.requests());
        assertEquals(damaged.toString(), qdrant.points("rag_main").toString(), "the collection is untouched");
        Path backups = work.resolve("backups");
        if (java.nio.file.Files.isDirectory(backups)) {
            try (var left = java.nio.file.Files.list(backups)) {
                assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "the staged download is removed");
            }
        }
    }

    @Test
    void unknownAndUnsafeNamesAreRefused() {
        RagbackCli.Result unknown = cli.run("qdrant", "recover", "nope.snapshot", "--yes").assertExit(5);
        assertTrue(unknown.stderr().contains("Qdrant has no snapshot 'nope.snapshot' of rag_main_v2"), unknown.stderr());
        cli.run("qdrant", "recover", "../../etc/passwd", "--yes").assertExit(2);
        cli.run("qdrant", "recover", "x", "--collection", "a/b", "--yes").assertExit(2);
    }
}
