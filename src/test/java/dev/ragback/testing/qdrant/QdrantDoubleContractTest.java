package dev.ragback.testing.qdrant;

import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every answer the double gives must be one Qdrant's openapi.json allows for that operation. */
class QdrantDoubleContractTest extends QdrantDoubleTestBase {

    @Test
    void specIsFoundWhereTheBuildSaysItIs() {
        Path spec = QdrantContract.specFile();
        assertTrue(Files.isRegularFile(spec), spec.toString());
    }

    @Test
    void rootAnswersVersionInfo() throws Exception {
        JsonNode body = json(valid("GET", "/", null, 200));
        assertEquals("qdrant - vector search engine", body.get("title").asText());
        assertEquals("1.19.0", body.get("version").asText());
    }

    @Test
    void probesAnswerPlainText() throws Exception {
        assertEquals("healthz check passed", valid("GET", "/healthz", null, 200).body());
        assertEquals("healthz check passed", valid("GET", "/livez", null, 200).body());
        assertEquals("all shards are ready", valid("GET", "/readyz", null, 200).body());
        qdrant.ready(false);
        assertEquals("some shards are not ready", valid("GET", "/readyz", null, 503).body());
    }

    @Test
    void listsCollections() throws Exception {
        assertEquals(0, json(valid("GET", "/collections", null, 200)).at("/result/collections").size());
        qdrant.createCollection("rag_main", 4, "Cosine");
        qdrant.createCollection("other", 8, "Dot");
        JsonNode list = json(valid("GET", "/collections", null, 200)).at("/result/collections");
        assertEquals("rag_main", list.get(0).get("name").asText());
        assertEquals("other", list.get(1).get("name").asText());
    }

    @Test
    void createsAndDescribesAnUnnamedVectorCollection() throws Exception {
        JsonNode created = json(valid("PUT", "/collections/rag_main", "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}", 200));
        assertTrue(created.get("result").asBoolean());
        JsonNode info = json(valid("GET", "/collections/rag_main", null, 200)).get("result");
        assertEquals("green", info.get("status").asText());
        assertEquals(4, info.at("/config/params/vectors/size").asInt());
        assertEquals("Dot", info.at("/config/params/vectors/distance").asText());
        assertEquals(0, info.get("points_count").asInt());
    }

    @Test
    void createsAndDescribesNamedVectors() throws Exception {
        valid("PUT", "/collections/multi", "{\"vectors\":{\"text\":{\"size\":3,\"distance\":\"Cosine\"},"
                + "\"image\":{\"size\":2,\"distance\":\"Euclid\"}}}", 200);
        JsonNode vectors = json(valid("GET", "/collections/multi", null, 200)).at("/result/config/params/vectors");
        assertEquals(3, vectors.at("/text/size").asInt());
        assertEquals("Euclid", vectors.at("/image/distance").asText());
    }

    @Test
    void refusesToCreateTwiceOrWithBadParams() throws Exception {
        qdrant.createCollection("rag_main", 4, "Cosine");
        // Qdrant's AlreadyExists reads "Wrong input" but answers 409
        assertEquals("Wrong input: Collection `rag_main` already exists!",
                error(valid("PUT", "/collections/rag_main", "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}", 409)));
        qdrant.createAlias("live", "rag_main");
        assertEquals("Wrong input: Can't create collection with name live. Alias with the same name already exists",
                error(valid("PUT", "/collections/live", "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}", 400)));
        assertTrue(error(valid("PUT", "/collections/zero", "{\"vectors\":{\"size\":0,\"distance\":\"Dot\"}}", 422))
                .startsWith("Validation error in JSON body"));
        assertTrue(error(valid("PUT", "/collections/odd", "{\"vectors\":{\"size\":4,\"distance\":\"Hamming\"}}", 400))
                .contains("unknown variant `Hamming`"));
        assertTrue(error(valid("PUT", "/collections/broken", "{not json", 400)).startsWith("Format error in JSON body"));
    }

    @Test
    void missingCollectionIs404WithQdrantsMessage() throws Exception {
        assertEquals("Not found: Collection `nope` doesn't exist!", error(valid("GET", "/collections/nope", null, 404)));
    }

    @Test
    void reportsYellowAndRedStatus() throws Exception {
        qdrant.createCollection("rag_main", 4, "Cosine");
        qdrant.collectionStatus("rag_main", "yellow");
        assertEquals("yellow", json(valid("GET", "/collections/rag_main", null, 200)).at("/result/status").asText());
        qdrant.collectionStatus("rag_main", "red");
        JsonNode info = json(valid("GET", "/collections/rag_main", null, 200)).get("result");
        assertEquals("red", info.get("status").asText());
        assertTrue(info.at("/optimizer_status/error").isTextual());
    }

    @Test
    void deletesCollectionsAndTheirAliases() throws Exception {
        qdrant.createCollection("rag_main", 4, "Cosine");
        qdrant.createAlias("live", "rag_main");
        assertTrue(json(valid("DELETE", "/collections/rag_main", null, 200)).get("result").asBoolean());
        assertFalse(json(valid("DELETE", "/collections/rag_main", null, 200)).get("result").asBoolean());
        assertEquals(0, json(valid("GET", "/aliases", null, 200)).at("/result/aliases").size());
    }

    @Test
    void listsAliasesOverallAndPerCollection() throws Exception {
        qdrant.createCollection("rag_v1", 4, "Cosine");
        qdrant.createCollection("rag_v2", 4, "Cosine");
        qdrant.createAlias("live", "rag_v2");
        qdrant.createAlias("old", "rag_v1");
        JsonNode all = json(valid("GET", "/aliases", null, 200)).at("/result/aliases");
        assertEquals(2, all.size());
        JsonNode ofV2 = json(valid("GET", "/collections/rag_v2/aliases", null, 200)).at("/result/aliases");
        assertEquals(1, ofV2.size());
        assertEquals("live", ofV2.get(0).get("alias_name").asText());
        assertEquals("rag_v2", ofV2.get(0).get("collection_name").asText());
    }

    @Test
    void aliasActionsSwitchAnAliasInOneRequest() throws Exception {
        qdrant.createCollection("rag_v1", 4, "Cosine");
        qdrant.createCollection("rag_v2", 4, "Cosine");
        qdrant.createAlias("live", "rag_v1");
        String body = "{\"actions\":[{\"delete_alias\":{\"alias_name\":\"live\"}},"
                + "{\"create_alias\":{\"collection_name\":\"rag_v2\",\"alias_name\":\"live\"}},"
                + "{\"rename_alias\":{\"old_alias_name\":\"live\",\"new_alias_name\":\"current\"}}]}";
        assertTrue(json(valid("POST", "/collections/aliases", body, 200)).get("result").asBoolean());
        assertEquals(java.util.Map.of("current", "rag_v2"), qdrant.store().aliases());
    }

    @Test
    void aFailingAliasActionKeepsTheEarlierOnesAsQdrantDoes() throws Exception {
        qdrant.createCollection("rag_v1", 4, "Cosine");
        String body = "{\"actions\":[{\"create_alias\":{\"collection_name\":\"rag_v1\",\"alias_name\":\"live\"}},"
                + "{\"create_alias\":{\"collection_name\":\"missing\",\"alias_name\":\"other\"}}]}";
        assertEquals("Not found: Collection `missing` doesn't exist!", error(valid("POST", "/collections/aliases", body, 404)));
        assertEquals(java.util.Map.of("live", "rag_v1"), qdrant.store().aliases());
        // deleting a missing alias is no error in Qdrant (AliasPersistence::remove returns Ok(None))
        assertTrue(json(valid("POST", "/collections/aliases",
                "{\"actions\":[{\"delete_alias\":{\"alias_name\":\"ghost\"}}]}", 200)).get("result").asBoolean());
        // an alias may not take a collection's name: AlreadyExists, 409
        assertEquals("Wrong input: Collection `rag_v1` already exists!", error(valid("POST", "/collections/aliases",
                "{\"actions\":[{\"create_alias\":{\"collection_name\":\"rag_v1\",\"alias_name\":\"rag_v1\"}}]}", 409)));
        assertTrue(error(valid("POST", "/collections/aliases",
                "{\"actions\":[{\"rename_alias\":{\"old_alias_name\":\"ghost\",\"new_alias_name\":\"x\"}}]}", 404))
                .contains("ghost"));
    }

    @Test
    void upsertsPointsAndCountsThem() throws Exception {
        qdrant.createCollection("rag_main", 2, "Cosine");
        String points = "{\"points\":[{\"id\":1,\"vector\":[0.5,0.25],\"payload\":{\"doc\":\"a\"}},"
                + "{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"vector\":[0.125,1.0]}]}";
        JsonNode result = json(valid("PUT", "/collections/rag_main/points?wait=true", points, 200)).get("result");
        assertEquals("completed", result.get("status").asText());
        assertEquals(2, json(valid("GET", "/collections/rag_main", null, 200)).at("/result/points_count").asInt());
        assertEquals("a", qdrant.store().find("rag_main").orElseThrow().points().get(0).payload().get("doc").asText());
    }

    @Test
    void upsertRejectsWrongDimensionsAndMissingCollections() throws Exception {
        qdrant.createCollection("rag_main", 2, "Cosine");
        assertEquals("Wrong input: Vector dimension error: expected dim: 2, got 3", error(valid("PUT",
                "/collections/rag_main/points", "{\"points\":[{\"id\":1,\"vector\":[0.5,0.5,0.5]}]}", 400)));
        assertEquals(0, qdrant.store().find("rag_main").orElseThrow().pointsCount());
        error(valid("PUT", "/collections/nope/points", "{\"points\":[{\"id\":1,\"vector\":[0.5,0.5]}]}", 404));
    }

    @Test
    void injectedServerErrorsUseTheErrorEnvelope() throws Exception {
        qdrant.failNext(1, 503);
        assertTrue(error(valid("GET", "/collections", null, 503)).contains("injected"));
        valid("GET", "/collections", null, 200);
    }

    @Test
    void missingOrWrongApiKeyIs401PlainTextButProbesStayOpen() throws Exception {
        try (QdrantDouble secured = new QdrantDouble("s3cret")) {
            // the spec's 4XX for /collections promises Qdrant's JSON error envelope, but Qdrant's auth
            // layer answers 401 in plain text before any handler runs, so this answer is not validated
            HttpResponse<String> none = send(secured, "GET", "/collections", null);
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertEquals("Must provide an API key or an Authorization bearer token", none.body());
            assertEquals("Invalid API key or JWT", send(secured, "GET", "/collections", null, "api-key", "wrong").body());
            assertEquals(200, send(secured, "GET", "/collections", null, "api-key", "s3cret").statusCode());
            assertEquals(200, send(secured, "GET", "/collections", null, "Authorization", "Bearer s3cret").statusCode());
            HttpResponse<String> root = send(secured, "GET", "/", null);
            assertValid("GET", "/", root);
            assertEquals(200, root.statusCode());
        }
    }

    // --- proof that the validator can fail ---

    @Test
    void validatorRejectsAnUnknownCollectionStatus() throws Exception {
        qdrant.createCollection("rag_main", 4, "Cosine");
        String body = send(qdrant, "GET", "/collections/rag_main", null).body().replace("\"green\"", "\"purple\"");
        assertInvalid(QdrantContract.validate("GET", "/collections/rag_main", 200, "application/json", body));
    }

    @Test
    void validatorRejectsACollectionInfoWithoutConfig() throws Exception {
        qdrant.createCollection("rag_main", 4, "Cosine");
        JsonNode body = json(send(qdrant, "GET", "/collections/rag_main", null));
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("result")).remove("config");
        assertInvalid(QdrantContract.validate("GET", "/collections/rag_main", 200, "application/json", body.toString()));
    }

    @Test
    void validatorRejectsAFlatErrorStatusAndAVersionlessRoot() {
        assertInvalid(QdrantContract.validate("GET", "/collections/x", 404, "application/json",
                "{\"status\":\"Not found\",\"time\":0.5}"));
        assertInvalid(QdrantContract.validate("GET", "/", 200, "application/json", "{\"title\":\"qdrant\"}"));
    }

    @Test
    void validatorRejectsAliasesWithoutCollectionName() {
        assertInvalid(QdrantContract.validate("GET", "/aliases", 200, "application/json",
                "{\"result\":{\"aliases\":[{\"alias_name\":\"live\"}]},\"status\":\"ok\",\"time\":0.5}"));
    }
}
