package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fault switch does what it says, on the new routes too, and resetFaults clears them. */
class QdrantDoubleFaultsTest extends QdrantDoubleTestBase {
    @TempDir
    Path tmp;

    private String snapshotOfRagMain(long ballast) throws Exception {
        qdrant.createCollection("rag_main", 2, "Dot");
        qdrant.upsertPoints("rag_main", "[{\"id\":1,\"vector\":[1,0],\"payload\":{\"doc\":\"a\"}},{\"id\":2,\"vector\":[0,1]}]");
        qdrant.snapshotBallast(ballast);
        return json(valid("POST", "/collections/rag_main/snapshots?wait=true", null, 200)).at("/result/name").asText();
    }

    private Path file(String name) {
        return qdrant.snapshotsDir().resolve("rag_main").resolve(name);
    }

    /** What a raw socket sees of a download: the promised Content-Length and the body bytes until the server closes. */
    private record RawDownload(long contentLength, byte[] body) {
    }

    private RawDownload rawDownload(String name, int readTimeoutMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", qdrant.url().getPort())) {
            socket.setSoTimeout(readTimeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /collections/rag_main/snapshots/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            long length = -1;
            for (String line = headerLine(in); !line.isEmpty(); line = headerLine(in)) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(line.substring(15).strip());
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            in.transferTo(body);
            return new RawDownload(length, body.toByteArray());
        }
    }

    private static String headerLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("headers cut short");
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }

    @Test
    void truncatedDownloadPromisesTheWholeFileAndSendsHalf() throws Exception {
        String name = snapshotOfRagMain(1 << 20);
        byte[] whole = Files.readAllBytes(file(name));
        qdrant.truncateNextDownloads(1);
        RawDownload cut = rawDownload(name, 10_000);
        assertEquals(whole.length, cut.contentLength());
        assertArrayEquals(java.util.Arrays.copyOf(whole, whole.length / 2), cut.body());
        HttpRequest get = HttpRequest.newBuilder(qdrant.url().resolve("/collections/rag_main/snapshots/" + name)).build();
        qdrant.truncateNextDownloads(1);
        assertThrows(IOException.class, () -> CLIENT.send(get, HttpResponse.BodyHandlers.ofByteArray()));
        assertArrayEquals(whole, CLIENT.send(get, HttpResponse.BodyHandlers.ofByteArray()).body(), "one download only");
    }

    @Test
    void droppedDownloadLosesTheConnectionAfterAThird() throws Exception {
        String name = snapshotOfRagMain(1 << 20);
        long size = Files.size(file(name));
        qdrant.dropNextDownloads(1);
        RawDownload dropped = rawDownload(name, 10_000);
        assertEquals(size, dropped.contentLength());
        assertEquals(size / 3, dropped.body().length);
        assertEquals(size, rawDownload(name, 10_000).body().length);
    }

    @Test
    void stalledDownloadGoesQuietHalfwayLongerThanAnIdleTimeout() throws Exception {
        String name = snapshotOfRagMain(1 << 20);
        qdrant.stallNextDownloads(1, Duration.ofSeconds(30));
        assertThrows(SocketTimeoutException.class, () -> rawDownload(name, 300));
        qdrant.resetFaults();
        assertEquals(Files.size(file(name)), rawDownload(name, 10_000).body().length);
    }

    @Test
    void wrongChecksumIsReportedAndListedButTheFileIsIntact() throws Exception {
        qdrant.wrongChecksumOnNextSnapshots(1);
        String name = snapshotOfRagMain(0);
        String sha256 = SnapshotStore.sha256(file(name));
        JsonNode listed = json(valid("GET", "/collections/rag_main/snapshots", null, 200)).at("/result/0");
        assertNotEquals(sha256, listed.get("checksum").asText());
        assertEquals(64, listed.get("checksum").asText().length());
        JsonNode next = json(valid("POST", "/collections/rag_main/snapshots", null, 200)).get("result");
        assertEquals(SnapshotStore.sha256(file(next.get("name").asText())), next.get("checksum").asText());
    }

    @Test
    void collectionStaysYellowForNStatusReadsAfterARecovery() throws Exception {
        String name = snapshotOfRagMain(0);
        qdrant.yellowAfterRecovery(2);
        validUpload("restored", file(name), "priority=snapshot", 200);
        List<String> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(json(valid("GET", "/collections/restored", null, 200)).at("/result/status").asText());
        }
        assertEquals(List.of("yellow", "yellow", "green"), statuses);
        valid("PUT", "/collections/again/snapshots/recover", "{\"location\":\"" + file(name).toUri() + "\"}", 200);
        assertEquals("yellow", json(valid("GET", "/collections/again", null, 200)).at("/result/status").asText());
        assertEquals("green", json(valid("GET", "/collections/rag_main", null, 200)).at("/result/status").asText());
    }

    @Test
    void aScrambledRecoveryIsGreenWithEveryPointButMovesTheVectors() throws Exception {
        qdrant.createCollection("rag_main", 2, "Dot");
        StringBuilder points = new StringBuilder("[");
        for (int id = 1; id <= 8; id++) {
            points.append(id == 1 ? "" : ",").append("{\"id\":").append(id).append(",\"vector\":[").append(id).append(",1]}");
        }
        qdrant.upsertPoints("rag_main", points.append("]").toString());
        String name = json(valid("POST", "/collections/rag_main/snapshots?wait=true", null, 200)).at("/result/name").asText();
        qdrant.scrambleNextRecoveries(1);
        validUpload("scrambled", file(name), "priority=snapshot", 200);
        validUpload("plain", file(name), "priority=snapshot", 200);
        assertEquals("green", json(valid("GET", "/collections/scrambled", null, 200)).at("/result/status").asText());
        List<String> original = qdrant.pointLines("rag_main");
        List<String> scrambled = qdrant.pointLines("scrambled");
        assertEquals(original.size(), scrambled.size());
        assertNotEquals(original, scrambled, "the vectors moved");
        assertEquals(original.stream().map(l -> l.replaceAll("^\\S+", "")).sorted().toList(),
                scrambled.stream().map(l -> l.replaceAll("^\\S+", "")).sorted().toList(), "the same vectors, on other points");
        assertEquals(original, qdrant.pointLines("plain"), "only the next recovery is scrambled");
    }

    @Test
    void aHeldAliasChangeHangsThenFailsWithoutChangingAnything() throws Exception {
        qdrant.createCollection("a", 2, "Dot");
        qdrant.createCollection("b", 2, "Dot");
        qdrant.createAlias("rag_main", "a");
        qdrant.holdAliasChanges();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> switched = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return send(qdrant, "POST", "/collections/aliases",
                        "{\"actions\":[{\"create_alias\":{\"alias_name\":\"rag_main\",\"collection_name\":\"b\"}}]}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        dev.ragback.testing.Waits.until(() -> qdrant.aliasChangesWaiting() == 1, "the alias change to hang");
        assertEquals(java.util.Map.of("rag_main", "a"), qdrant.store().aliases());
        qdrant.releaseAliasChanges();
        assertEquals(503, switched.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        assertEquals(java.util.Map.of("rag_main", "a"), qdrant.store().aliases());
    }

    @Test
    void uploadCanFailAfterItsBodyWasRead() throws Exception {
        String name = snapshotOfRagMain(256 << 10);
        qdrant.failNextUploadsAfterBody(1);
        assertTrue(error(validUpload("restored", file(name), null, 500)).contains("after the upload was read"));
        assertTrue(qdrant.store().find("restored").isEmpty());
        validUpload("restored", file(name), null, 200);
        assertEquals(2, qdrant.points("restored").size());
    }

    @Test
    void failDropAndDelayApplyToTheNewRoutes() throws Exception {
        snapshotOfRagMain(0);
        qdrant.failNext(1, 503);
        assertTrue(error(valid("POST", "/collections/rag_main/points/count", "{\"exact\":true}", 503)).contains("injected"));
        qdrant.failNext(1);
        error(validUpload("restored", file(qdrant.snapshotNames("rag_main").get(0)), null, 500));
        assertTrue(qdrant.store().find("restored").isEmpty());
        qdrant.dropNext(1);
        assertThrows(IOException.class, () -> send(qdrant, "POST", "/collections/rag_main/points/scroll", "{}"));
        qdrant.delay(Duration.ofSeconds(30));
        HttpRequest slow = HttpRequest.newBuilder(qdrant.url().resolve("/collections/rag_main/snapshots"))
                .timeout(Duration.ofMillis(200)).POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThrows(HttpTimeoutException.class, () -> CLIENT.send(slow, HttpResponse.BodyHandlers.ofString()));
        qdrant.resetFaults();
        valid("POST", "/collections/rag_main/points/query", "{\"query\":[1,0]}", 200);
    }

    @Test
    void resetFaultsClearsTheSnapshotSwitches() throws Exception {
        String name = snapshotOfRagMain(0);
        qdrant.truncateNextDownloads(1);
        qdrant.dropNextDownloads(1);
        qdrant.wrongChecksumOnNextSnapshots(1);
        qdrant.failNextUploadsAfterBody(1);
        qdrant.yellowAfterRecovery(5);
        qdrant.resetFaults();
        assertEquals(Files.size(file(name)), rawDownload(name, 10_000).body().length);
        JsonNode created = json(valid("POST", "/collections/rag_main/snapshots", null, 200)).get("result");
        assertEquals(SnapshotStore.sha256(file(created.get("name").asText())), created.get("checksum").asText());
        validUpload("restored", file(name), null, 200);
        assertEquals("green", json(valid("GET", "/collections/restored", null, 200)).at("/result/status").asText());
    }

    @Test
    void mainServesOnItsOwnWithAKeyFromTheEnvironment() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), QdrantDoubleMain.class.getName(),
                "--port", "0", "--api-key-env", "DOUBLE_KEY", "--snapshot-ballast-bytes", "1024");
        builder.environment().put("DOUBLE_KEY", "s3cret");
        builder.redirectError(tmp.resolve("stderr.txt").toFile());
        Process process = builder.start();
        try {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.matches("listening on http://127\\.0\\.0\\.1:\\d+"), String.valueOf(line));
            URI url = URI.create(line.substring("listening on ".length()));
            HttpRequest noKey = HttpRequest.newBuilder(url.resolve("/collections")).build();
            assertEquals(401, CLIENT.send(noKey, HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpRequest withKey = HttpRequest.newBuilder(url.resolve("/collections")).header("api-key", "s3cret").build();
            assertEquals(200, CLIENT.send(withKey, HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            process.destroy();
            assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the double stops when killed");
        }
    }

    @Test
    void mainRefusesAMissingKeyVariable() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), QdrantDoubleMain.class.getName(),
                "--api-key-env", "DOUBLE_KEY_THAT_IS_NOT_SET").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.waitFor());
        assertTrue(output.contains("DOUBLE_KEY_THAT_IS_NOT_SET is not set"), output);
    }
}
