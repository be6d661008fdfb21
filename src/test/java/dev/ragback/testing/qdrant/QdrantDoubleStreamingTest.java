package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot more than twice as big as the heap of the JVM serving it goes through create, download
 * and upload: proof that none of them holds the file in memory.
 */
class QdrantDoubleStreamingTest {
    private static final long BALLAST = 96L << 20;
    // its own client: no pooled connection to an earlier double that happened to use the same port
    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path tmp;

    @Test
    void snapshotsBiggerThanTheHeapStreamThrough() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx40m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), QdrantDoubleMain.class.getName(),
                "--snapshot-ballast-bytes", Long.toString(BALLAST))
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        try {
            streamThrough(process);
        } catch (Exception | AssertionError e) {
            throw new AssertionError("the double's stderr: " + Files.readString(tmp.resolve("stderr.txt")), e);
        } finally {
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private void streamThrough(Process process) throws Exception {
        {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("listening on "), line + " " + Files.readString(tmp.resolve("stderr.txt")));
            URI url = URI.create(line.substring("listening on ".length()));
            call(url, "PUT", "/collections/big", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}");
            call(url, "PUT", "/collections/big/points?wait=true", "{\"points\":[{\"id\":1,\"vector\":[1,0]},{\"id\":2,\"vector\":[0,1]}]}");
            JsonNode created = call(url, "POST", "/collections/big/snapshots?wait=true", null).get("result");
            assertTrue(created.get("size").asLong() > BALLAST);
            Path file = CLIENT.send(HttpRequest.newBuilder(url.resolve("/collections/big/snapshots/"
                    + created.get("name").asText())).build(), HttpResponse.BodyHandlers.ofFile(tmp.resolve("big.snapshot"))).body();
            assertEquals(created.get("checksum").asText(), SnapshotStore.sha256(file));
            call(url, "DELETE", "/collections/big", null);
            HttpResponse<String> uploaded = QdrantDoubleTestBase.upload(url, "/collections/big/snapshots/upload"
                    + "?wait=true&priority=snapshot&checksum=" + created.get("checksum").asText(), "snapshot", file);
            assertEquals(200, uploaded.statusCode(), uploaded.body());
            assertEquals(2, call(url, "POST", "/collections/big/points/count", "{\"exact\":true}").at("/result/count").asInt());
        }
    }

    private static JsonNode call(URI url, String method, String path, String body) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(url.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
        return Replies.JSON.readTree(response.body());
    }
}
