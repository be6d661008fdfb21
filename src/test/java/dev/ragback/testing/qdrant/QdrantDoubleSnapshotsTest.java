package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshot files, their checksums, and recovery by upload or by location; every answer against the contract. */
class QdrantDoubleSnapshotsTest extends QdrantDoubleTestBase {
    private static final String POINTS = "[{\"id\":2,\"vector\":[0.5,0.25],\"payload\":{\"doc\":\"a\",\"n\":[1,2]}},"
            + "{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"vector\":[0.125,1.0]},{\"id\":7,\"vector\":[3,4]}]";

    @TempDir
    Path tmp;

    private void ragMain() {
        qdrant.createCollection("rag_main", 2, "Cosine");
        qdrant.upsertPoints("rag_main", POINTS);
    }

    private JsonNode createSnapshot(String collection) throws Exception {
        return json(valid("POST", "/collections/" + collection + "/snapshots?wait=true", null, 200)).get("result");
    }

    /** Downloads a snapshot to a file, checking status, content type and length. */
    private Path download(String collection, String name) throws Exception {
        String path = "/collections/" + collection + "/snapshots/" + name;
        HttpResponse<Path> response = CLIENT.send(HttpRequest.newBuilder(qdrant.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofFile(tmp.resolve(name)));
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals(Files.size(response.body()), response.headers().firstValueAsLong("Content-Length").orElse(-1));
        // the validator takes a text body; bytes as Latin-1 keep it one char per byte
        String bytes = new String(Files.readAllBytes(response.body()), StandardCharsets.ISO_8859_1);
        var report = QdrantContract.validate("GET", path, 200, "application/octet-stream", bytes);
        assertFalse(report.hasErrors(), () -> QdrantContract.describe(report));
        return response.body();
    }

    @Test
    void createsListsDownloadsAndDeletesRealFiles() throws Exception {
        ragMain();
        JsonNode created = createSnapshot("rag_main");
        String name = created.get("name").asText();
        assertTrue(name.matches("rag_main-\\d+-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}\\.snapshot"), name);
        assertTrue(created.get("creation_time").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}"));
        Path onDisk = qdrant.snapshotsDir().resolve("rag_main").resolve(name);
        assertEquals(Files.size(onDisk), created.get("size").asLong());
        assertEquals(SnapshotStore.sha256(onDisk), created.get("checksum").asText());
        JsonNode list = json(valid("GET", "/collections/rag_main/snapshots", null, 200)).get("result");
        assertEquals(created, list.get(0));
        Path downloaded = download("rag_main", name);
        assertEquals(created.get("checksum").asText(), SnapshotStore.sha256(downloaded));
        assertEquals(List.of(name), qdrant.snapshotNames("rag_main"));
        assertTrue(json(valid("DELETE", "/collections/rag_main/snapshots/" + name, null, 200)).get("result").asBoolean());
        assertFalse(Files.exists(onDisk));
        assertEquals(0, json(valid("GET", "/collections/rag_main/snapshots", null, 200)).get("result").size());
        // the download handler answers errors in plain text (actix's default for its HttpError), not the spec's envelope
        HttpResponse<String> gone = send(qdrant, "GET", "/collections/rag_main/snapshots/" + name, null);
        assertEquals(404, gone.statusCode());
        assertTrue(gone.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), gone.headers().map().toString());
        assertEquals("Not found: Snapshot " + name + " not found", gone.body());
        error(valid("DELETE", "/collections/rag_main/snapshots/" + name, null, 404));
        error(valid("POST", "/collections/nope/snapshots", null, 404));
        error(valid("GET", "/collections/nope/snapshots", null, 404));
        assertEquals(404, send(qdrant, "GET", "/collections/rag_main/snapshots/..%2F..%2Fetc%2Fpasswd", null).statusCode());
    }

    @Test
    void snapshotThroughAnAliasIsOfTheCollectionAndWaitFalseIsAccepted() throws Exception {
        ragMain();
        qdrant.createAlias("live", "rag_main");
        assertTrue(createSnapshot("live").get("name").asText().startsWith("rag_main-"));
        JsonNode accepted = json(valid("POST", "/collections/live/snapshots?wait=false", null, 202));
        assertEquals("accepted", accepted.get("status").asText());
        assertEquals(2, qdrant.snapshotNames("live").size());
        assertEquals(2, json(valid("GET", "/collections/live/snapshots", null, 200)).get("result").size());
    }

    @Test
    void roundTripRestoresPointsVectorsAndPayloadsButNotAliases() throws Exception {
        ragMain();
        qdrant.createAlias("live", "rag_main");
        List<StoredCollection.Point> before = qdrant.points("rag_main");
        JsonNode created = createSnapshot("rag_main");
        Path file = download("rag_main", created.get("name").asText());
        String checksum = created.get("checksum").asText();
        assertEquals(checksum, SnapshotStore.sha256(file));
        valid("DELETE", "/collections/rag_main", null, 200);
        JsonNode uploaded = json(validUpload("rag_main", file, "wait=true&priority=snapshot&checksum=" + checksum, 200));
        assertTrue(uploaded.get("result").asBoolean());
        assertEquals(before, qdrant.points("rag_main"));
        assertEquals(Map.of(), qdrant.store().aliases(), "a snapshot does not carry aliases");
        JsonNode info = json(valid("GET", "/collections/rag_main", null, 200)).get("result");
        assertEquals("Cosine", info.at("/config/params/vectors/distance").asText());
        assertEquals(3, info.get("points_count").asInt());
        RecordedRequest upload = qdrant.requests().get(qdrant.requests().size() - 2);
        assertEquals("snapshot", upload.queryParam("priority"));
        assertEquals(checksum, upload.queryParam("checksum"));
        assertEquals(List.of(new SnapshotRecovery("upload", "rag_main", null, "snapshot", checksum)), qdrant.recoveries());
    }

    @Test
    void uploadIntoAnExistingCollectionReplacesItsPoints() throws Exception {
        ragMain();
        Path file = download("rag_main", createSnapshot("rag_main").get("name").asText());
        qdrant.deletePoints("rag_main", 2L);
        qdrant.upsertPoints("rag_main", "[{\"id\":99,\"vector\":[1,1]}]");
        qdrant.createAlias("live", "rag_main");
        validUpload("live", file, "priority=snapshot", 200);
        assertEquals(List.of(2L, 7L), qdrant.points("rag_main").stream().filter(p -> p.id().isNumber())
                .map(p -> p.id().asLong()).toList());
        assertEquals(Map.of("live", "rag_main"), qdrant.store().aliases());
    }

    @Test
    void wrongChecksumIs400AndChangesNothing() throws Exception {
        ragMain();
        Path file = download("rag_main", createSnapshot("rag_main").get("name").asText());
        qdrant.deletePoints("rag_main", 7L);
        String wrong = "0".repeat(64);
        assertTrue(error(validUpload("rag_main", file, "checksum=" + wrong, 400)).startsWith("Checksum mismatch: expected "));
        assertEquals(2, qdrant.points("rag_main").size());
        assertTrue(error(validUpload("fresh", file, "checksum=" + wrong, 400)).endsWith("actual " + wrong));
        assertFalse(qdrant.store().find("fresh").isPresent());
        assertTrue(error(validUpload("fresh", file, "checksum=abc", 422)).contains("checksum"));
        assertTrue(error(validUpload("fresh", file, "priority=sometimes", 400)).contains("unknown variant"));
    }

    @Test
    void incompatibleVectorsAndBrokenFilesChangeNothing() throws Exception {
        ragMain();
        Path file = download("rag_main", createSnapshot("rag_main").get("name").asText());
        qdrant.createCollection("wide", 3, "Cosine");
        assertTrue(error(validUpload("wide", file, null, 400)).contains("Snapshot is not compatible with existing collection"));
        assertEquals(0, qdrant.points("wide").size());
        Path garbage = Files.writeString(tmp.resolve("garbage.snapshot"), "not a snapshot\n");
        assertTrue(error(validUpload("other", garbage, null, 500)).contains("failed to read snapshot"));
        Path cut = tmp.resolve("cut.snapshot");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) / 2));
        assertTrue(error(validUpload("other", cut, null, 500)).contains("failed to read snapshot"));
        assertFalse(qdrant.store().find("other").isPresent());
        HttpResponse<String> noPart = upload(qdrant, "/collections/other/snapshots/upload", "file", file);
        assertTrue(error(expect("POST", "/collections/other/snapshots/upload", noPart, 400)).contains("`snapshot`"));
    }

    @Test
    void recoversFromFilesInsideTheSnapshotsDirectoryOnly() throws Exception {
        ragMain();
        JsonNode created = createSnapshot("rag_main");
        Path inside = qdrant.snapshotsDir().resolve("rag_main").resolve(created.get("name").asText());
        String body = "{\"location\":\"" + inside.toUri() + "\",\"priority\":\"snapshot\",\"checksum\":\""
                + created.get("checksum").asText() + "\"}";
        assertTrue(json(valid("PUT", "/collections/copy/snapshots/recover", body, 200)).get("result").asBoolean());
        assertEquals(qdrant.points("rag_main"), qdrant.points("copy"));
        assertEquals("snapshot", qdrant.recoveries().get(0).priority());
        assertEquals(inside.toUri().toString(), qdrant.recoveries().get(0).location());
        Path outside = Files.copy(inside, tmp.resolve("outside.snapshot"));
        assertTrue(error(valid("PUT", "/collections/x/snapshots/recover", "{\"location\":\"" + outside.toUri() + "\"}", 403))
                .startsWith("Forbidden: Snapshot file"));
        assertTrue(error(valid("PUT", "/collections/x/snapshots/recover",
                "{\"location\":\"" + inside.resolveSibling("missing.snapshot").toUri() + "\"}", 400)).contains("does not exist"));
        assertTrue(error(valid("PUT", "/collections/x/snapshots/recover",
                "{\"location\":\"" + inside.toUri() + "\",\"checksum\":\"" + "f".repeat(64) + "\"}", 400))
                .startsWith("Wrong input: Snapshot checksum mismatch"));
        assertTrue(error(valid("PUT", "/collections/x/snapshots/recover", "{\"location\":\"ftp://h/x.snapshot\"}", 400))
                .contains("not supported"));
        assertTrue(error(valid("PUT", "/collections/x/snapshots/recover", "{\"priority\":\"snapshot\"}", 400))
                .contains("location"));
        assertFalse(qdrant.store().find("x").isPresent());
    }

    @Test
    void namedVectorCollectionsRoundTripToo() throws Exception {
        qdrant.createCollection("multi", "{\"text\":{\"size\":2,\"distance\":\"Dot\"},\"image\":{\"size\":1,\"distance\":\"Euclid\"}}");
        qdrant.upsertPoints("multi", "[{\"id\":1,\"vector\":{\"text\":[1,2],\"image\":[3]},\"payload\":{\"k\":true}},"
                + "{\"id\":2,\"vector\":{\"text\":[0.5,0]}}]");
        String name = createSnapshot("multi").get("name").asText();
        Path file = qdrant.snapshotsDir().resolve("multi").resolve(name);
        valid("PUT", "/collections/copy/snapshots/recover", "{\"location\":\"" + file.toUri() + "\"}", 200);
        assertEquals(qdrant.points("multi"), qdrant.points("copy"));
        JsonNode vectors = json(valid("GET", "/collections/copy", null, 200)).at("/result/config/params/vectors");
        assertEquals("Euclid", vectors.at("/image/distance").asText());
        assertEquals(2, vectors.at("/text/size").asInt());
    }

    @Test
    void recoversOverHttpFromADownloadUrl() throws Exception {
        ragMain();
        String name = createSnapshot("rag_main").get("name").asText();
        String url = qdrant.url().resolve("/collections/rag_main/snapshots/" + name).toString();
        valid("PUT", "/collections/from_http/snapshots/recover?wait=true", "{\"location\":\"" + url + "\"}", 200);
        assertEquals(qdrant.points("rag_main"), qdrant.points("from_http"));
        String missing = qdrant.url().resolve("/collections/rag_main/snapshots/missing.snapshot").toString();
        assertTrue(error(valid("PUT", "/collections/other/snapshots/recover", "{\"location\":\"" + missing + "\"}", 400))
                .contains("status - 404"));
    }

    @Test
    void ballastMakesSnapshotsBigWithoutChangingWhatTheyRestore() throws Exception {
        ragMain();
        JsonNode plain = createSnapshot("rag_main");
        JsonNode again = createSnapshot("rag_main");
        assertEquals(plain.get("checksum"), again.get("checksum"), "same collection, same bytes");
        long ballast = 3L * 1024 * 1024 + 17;
        qdrant.snapshotBallast(ballast);
        JsonNode heavy = createSnapshot("rag_main");
        long grown = heavy.get("size").asLong() - plain.get("size").asLong();
        assertTrue(grown >= ballast && grown < ballast + 1024, "the ballast, its tar header and padding: " + grown);
        assertNotEquals(plain.get("checksum"), heavy.get("checksum"));
        Path file = download("rag_main", heavy.get("name").asText());
        validUpload("heavy_copy", file, "checksum=" + heavy.get("checksum").asText(), 200);
        assertEquals(qdrant.points("rag_main"), qdrant.points("heavy_copy"));
        assertEquals(heavy.get("checksum"), createSnapshot("rag_main").get("checksum"), "ballast is deterministic");
    }

    @Test
    void closeDeletesTheSnapshotFiles() throws Exception {
        ragMain();
        createSnapshot("rag_main");
        Path dir = qdrant.snapshotsDir();
        assertTrue(Files.isDirectory(dir.resolve("rag_main")));
        qdrant.close();
        assertFalse(Files.exists(dir));
        qdrant = new QdrantDouble();
    }

    @Test
    void validatorRejectsASnapshotWithoutSizeAScoredPointWithoutVersionAndATextDownload() {
        assertInvalid(QdrantContract.validate("GET", "/collections/x/snapshots/x.snapshot", 200, "text/plain", "abc"));
        assertInvalid(QdrantContract.validate("POST", "/collections/x/snapshots", 200, "application/json",
                "{\"result\":{\"name\":\"x.snapshot\"},\"status\":\"ok\",\"time\":0.5}"));
        assertInvalid(QdrantContract.validate("POST", "/collections/x/points/query", 200, "application/json",
                "{\"result\":{\"points\":[{\"id\":1,\"score\":0.5}]},\"status\":\"ok\",\"time\":0.5}"));
    }
}
