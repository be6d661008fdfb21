package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Qdrant v1.19.0 does beyond its openapi.json (SPEC section 13), as the double now does it;
 * QdrantContainerTest pins each of these to the real image. Every JSON answer is checked against the contract.
 */
class QdrantDoubleServerBehaviourTest extends QdrantDoubleTestBase {
    @TempDir
    Path tmp;

    private Path snapshotOf(String collection) throws Exception {
        String name = json(valid("POST", "/collections/" + collection + "/snapshots?wait=true", null, 200)).at("/result/name").asText();
        Path file = Files.copy(qdrant.snapshotsDir().resolve(qdrant.store().find(collection).orElseThrow().name()).resolve(name),
                tmp.resolve("set.snapshot"));
        valid("DELETE", "/collections/" + collection + "/snapshots/" + name, null, 200);
        return file;
    }

    private void ragV1() {
        qdrant.createCollection("rag_v1", 2, "Cosine");
        qdrant.upsertPoints("rag_v1", "[{\"id\":1,\"vector\":[1,0]},{\"id\":2,\"vector\":[0,1]}]");
    }

    @Test
    void anUploadedFileIsKeptUnderTheNameInTheUrlWithItsPartsFileNameAndListedWithoutAChecksum() throws Exception {
        ragV1();
        Path file = Files.move(snapshotOf("rag_v1"), tmp.resolve("ragback-1-rag_v1_r1.snapshot"));
        assertEquals(List.of(), qdrant.snapshotFiles());
        validUpload("rag_v1_r1", file, "wait=true&priority=snapshot", 200);
        assertEquals(List.of("rag_v1_r1/ragback-1-rag_v1_r1.snapshot"), qdrant.snapshotFiles(), "the upload stays on the server");
        JsonNode listed = json(valid("GET", "/collections/rag_v1_r1/snapshots", null, 200)).at("/result/0");
        assertEquals("ragback-1-rag_v1_r1.snapshot", listed.get("name").asText());
        assertFalse(listed.has("checksum"), "no .checksum file beside an upload, so no checksum member: " + listed);
        JsonNode made = json(valid("POST", "/collections/rag_v1/snapshots", null, 200)).get("result");
        assertTrue(made.get("checksum").asText().matches("[0-9a-f]{64}"), "a server-made snapshot has one: " + made);
        valid("DELETE", "/collections/rag_v1_r1/snapshots/ragback-1-rag_v1_r1.snapshot", null, 200);
        assertEquals(List.of("rag_v1/" + made.get("name").asText(), "rag_v1/" + made.get("name").asText() + ".checksum"),
                qdrant.snapshotFiles());
    }

    @Test
    void anUploadThroughAnAliasIsKeptUnderTheAliasWhereNoSnapshotCallCanReachIt() throws Exception {
        ragV1();
        qdrant.createAlias("rag_main", "rag_v1");
        Path file = snapshotOf("rag_v1");
        validUpload("rag_main", file, "priority=snapshot", 200);
        assertEquals(List.of("rag_main/set.snapshot"), qdrant.snapshotFiles());
        // list and delete resolve the alias to rag_v1 and look in snapshots/rag_v1/
        assertEquals(0, json(valid("GET", "/collections/rag_main/snapshots", null, 200)).get("result").size());
        assertTrue(error(valid("DELETE", "/collections/rag_main/snapshots/set.snapshot", null, 404)).startsWith("Not found: "));
        assertEquals(List.of("rag_main/set.snapshot"), qdrant.snapshotFiles());
    }

    @Test
    void aGarbageArchiveIs500AndItsFileOutlivesTheCollectionThatWasNeverMade() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("ragback-1-fresh.snapshot"), "not a tar\n".repeat(100));
        assertTrue(error(validUpload("fresh", garbage, "priority=snapshot", 500)).startsWith("Service internal error: "));
        assertFalse(qdrant.store().find("fresh").isPresent());
        assertEquals(List.of("fresh/ragback-1-fresh.snapshot"), qdrant.snapshotFiles());
        error(valid("GET", "/collections/fresh/snapshots", null, 404));
        error(valid("DELETE", "/collections/fresh/snapshots/ragback-1-fresh.snapshot", null, 404));
        // a collection of that name sees the directory again, so the file can be deleted through the API
        valid("PUT", "/collections/fresh", "{\"vectors\":{\"size\":1,\"distance\":\"Cosine\"}}", 200);
        assertEquals("ragback-1-fresh.snapshot", json(valid("GET", "/collections/fresh/snapshots", null, 200))
                .at("/result/0/name").asText());
        valid("DELETE", "/collections/fresh/snapshots/ragback-1-fresh.snapshot", null, 200);
        valid("DELETE", "/collections/fresh", null, 200);
        assertEquals(List.of(), qdrant.snapshotFiles());
    }

    @Test
    void theArchiveHoldsConfigJsonAndVersionInfoAsQdrantWritesThem() throws Exception {
        qdrant.createCollectionWith("rag_v1", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\",\"on_disk\":true,"
                + "\"hnsw_config\":{\"m\":32}},\"shard_number\":2,\"hnsw_config\":{\"ef_construct\":64}}");
        Path file = snapshotOf("rag_v1");
        List<String> names = new java.util.ArrayList<>();
        String[] version = new String[1];
        try (var in = Files.newInputStream(file)) {
            TarFormat.read(in, (name, size, data) -> {
                names.add(name);
                if (name.equals("version.info")) {
                    version[0] = new String(data.readAllBytes(), StandardCharsets.US_ASCII);
                }
            });
        }
        assertTrue(names.containsAll(List.of("version.info", "config.json", "payload_index.json")), names.toString());
        assertEquals(SnapshotFormat.COLLECTION_STORAGE_VERSION, version[0]);
        JsonNode config = SnapshotFormat.entry(file, "config.json").orElseThrow();
        assertEquals(Replies.JSON.readTree("{\"size\":2,\"distance\":\"Dot\",\"hnsw_config\":{\"m\":32},\"on_disk\":true}"),
                config.at("/params/vectors"));
        assertEquals(2, config.at("/params/shard_number").asInt());
        assertEquals(64, config.at("/hnsw_config/ef_construct").asInt());
        JsonNode live = json(valid("GET", "/collections/rag_v1", null, 200)).at("/result/config");
        assertEquals(live.get("params"), config.get("params"), "GET and config.json hold the same params");
    }

    @Test
    void inPlaceTheWholeVectorParamsAndShardNumberMustMatchAndTheCollectionKeepsItsOwnConfig() throws Exception {
        qdrant.createCollectionWith("rag_v1", "{\"vectors\":{\"size\":2,\"distance\":\"Cosine\"},\"hnsw_config\":{\"m\":8}}");
        qdrant.upsertPoints("rag_v1", "[{\"id\":1,\"vector\":[1,0]}]");
        Path file = snapshotOf("rag_v1");
        qdrant.createCollectionWith("on_disk", "{\"vectors\":{\"size\":2,\"distance\":\"Cosine\",\"on_disk\":true}}");
        assertTrue(error(validUpload("on_disk", file, null, 400))
                .startsWith("Wrong input: Snapshot is not compatible with existing collection: Collection vectors: "));
        qdrant.createCollectionWith("sharded", "{\"vectors\":{\"size\":2,\"distance\":\"Cosine\"},\"shard_number\":3}");
        assertTrue(error(validUpload("sharded", file, null, 400)).contains("Collection shard number: 3 Snapshot shard number: 1"));
        assertEquals(0, qdrant.points("on_disk").size() + qdrant.points("sharded").size());
        // collection-level settings are not compared, and the existing collection keeps its own
        qdrant.createCollectionWith("other_hnsw", "{\"vectors\":{\"size\":2,\"distance\":\"Cosine\"},\"hnsw_config\":{\"m\":48}}");
        validUpload("other_hnsw", file, null, 200);
        assertEquals(1, qdrant.points("other_hnsw").size());
        assertEquals(48, json(valid("GET", "/collections/other_hnsw", null, 200)).at("/result/config/hnsw_config/m").asInt());
        // a missing collection takes the snapshot's config
        validUpload("fresh", file, null, 200);
        assertEquals(8, json(valid("GET", "/collections/fresh", null, 200)).at("/result/config/hnsw_config/m").asInt());
    }

    @Test
    void clusterIsDisabledOnASingleNodeAndEnabledWhenSwitched() throws Exception {
        assertEquals("disabled", json(valid("GET", "/cluster", null, 200)).at("/result/status").asText());
        qdrant.clusterPeers(3);
        JsonNode cluster = json(valid("GET", "/cluster", null, 200)).get("result");
        assertEquals("enabled", cluster.get("status").asText());
        assertEquals(3, cluster.get("peers").size());
    }

    @Test
    void existsAnswersForCollectionsAndAliases() throws Exception {
        ragV1();
        qdrant.createAlias("rag_main", "rag_v1");
        assertTrue(json(valid("GET", "/collections/rag_v1/exists", null, 200)).at("/result/exists").asBoolean());
        assertTrue(json(valid("GET", "/collections/rag_main/exists", null, 200)).at("/result/exists").asBoolean());
        assertFalse(json(valid("GET", "/collections/nope/exists", null, 200)).at("/result/exists").asBoolean());
    }

    @Test
    void waitFalseAnswers202AndTheWorkStillHappens() throws Exception {
        ragV1();
        Path file = snapshotOf("rag_v1");
        assertEquals("accepted", json(validUpload("later", file, "wait=false&priority=snapshot", 202)).get("status").asText());
        assertEquals(2, qdrant.points("later").size());
        assertTrue(error(validUpload("later", file, "priority=whenever", 400)).contains("unknown variant `whenever`"));
    }

    @Test
    void aReadOnlyKeyReadsButGets403AsAJsonEnvelopeOnEveryChange() throws Exception {
        try (QdrantDouble secured = new QdrantDouble("manage-key", "read-key", 0)) {
            secured.createCollection("rag_v1", 2, "Cosine");
            String[] reader = {"api-key", "read-key"};
            assertEquals(200, send(secured, "GET", "/cluster", null, reader).statusCode());
            assertEquals(200, send(secured, "POST", "/collections/rag_v1/points/count", "{\"exact\":true}", reader).statusCode());
            for (String[] call : List.of(new String[] {"POST", "/collections/rag_v1/snapshots"},
                    new String[] {"POST", "/collections/aliases"}, new String[] {"PUT", "/collections/rag_v1/snapshots/recover"},
                    new String[] {"DELETE", "/collections/rag_v1"})) {
                HttpResponse<String> refused = send(secured, call[0], call[1], "{\"actions\":[]}", reader);
                assertEquals(403, refused.statusCode(), call[1]);
                assertEquals("Forbidden: Global manage access is required", error(refused));
            }
            Path file = Files.writeString(tmp.resolve("x.snapshot"), "x");
            HttpResponse<String> upload = CLIENT.send(java.net.http.HttpRequest.newBuilder(
                            secured.url().resolve("/collections/rag_v1/snapshots/upload")).header("api-key", "read-key")
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, upload.statusCode());
            assertValid("POST", "/collections/rag_v1/snapshots/upload", upload);
            assertEquals(List.of(), secured.recoveries(), "refused before the handler ran");
            assertEquals("Invalid API key or JWT", send(secured, "GET", "/collections", null, "api-key", "wrong").body());
        }
    }

    @Test
    void anUploadCanLoseItsConnectionAfterTheBodyWithOrWithoutTheRecoveryGoingOn() throws Exception {
        ragV1();
        Path file = snapshotOf("rag_v1");
        qdrant.cutNextUploadsAfterBody(1, true);
        assertThrows(java.io.IOException.class, () -> upload(qdrant, "/collections/went_on/snapshots/upload", "snapshot", file));
        assertEquals(2, qdrant.points("went_on").size(), "the server recovered although nobody heard the answer");
        qdrant.cutNextUploadsAfterBody(1, false);
        assertThrows(java.io.IOException.class, () -> upload(qdrant, "/collections/stopped/snapshots/upload", "snapshot", file));
        assertFalse(qdrant.store().find("stopped").isPresent());
        assertTrue(qdrant.snapshotFiles().contains("stopped/set.snapshot"), "the file was kept all the same");
    }

    @Test
    void theReportedVersionCanBeSet() throws Exception {
        qdrant.serverVersion("1.9.7");
        assertEquals("1.9.7", json(valid("GET", "/", null, 200)).get("version").asText());
    }
}
