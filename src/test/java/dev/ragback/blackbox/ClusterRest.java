package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** What a pipeline does to a Qdrant cluster, over REST to one node: the black-box cluster tests' setup and checks. */
final class ClusterRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final URI node;

    ClusterRest(String nodeUrl) {
        this.node = URI.create(nodeUrl);
    }

    JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(node.resolve(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("result");
    }

    /** {@code collection} with 4-dimensional Cosine vectors, its shards and replicas, and a keyword index on {@code uri}. */
    void createCollection(String collection, int shards, int replicas, boolean custom) throws Exception {
        call("PUT", "/collections/" + collection, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":" + shards
                + ",\"replication_factor\":" + replicas + ",\"write_consistency_factor\":1"
                + (custom ? ",\"sharding_method\":\"custom\"" : "") + "}");
    }

    void createShardKey(String collection, String key) throws Exception {
        call("PUT", "/collections/" + collection + "/shards", "{\"shard_key\":\"" + key + "\"}");
    }

    void index(String collection, String field) throws Exception {
        call("PUT", "/collections/" + collection + "/index?wait=true", "{\"field_name\":\"" + field + "\",\"field_schema\":\"keyword\"}");
    }

    void alias(String alias, String collection) throws Exception {
        call("POST", "/collections/aliases", "{\"actions\":[{\"create_alias\":{\"alias_name\":\"" + alias + "\",\"collection_name\":\""
                + collection + "\"}}]}");
    }

    /** Points {@code from} … {@code to - 1} (vectors derived from the id, payload uri and chunk_index), optionally under a shard key. */
    void upsert(String collection, int from, int to, String shardKey) throws Exception {
        ArrayNode points = JSON.createArrayNode();
        for (int id = from; id < to; id++) {
            ObjectNode point = points.addObject().put("id", id);
            point.putArray("vector").add(id % 7 + 0.5).add(id % 11).add(id % 13).add(1.0);
            point.putObject("payload").put("uri", "doc://runbook/" + id / 8).put("chunk_index", id % 8);
        }
        ObjectNode body = JSON.createObjectNode().set("points", points);
        if (shardKey != null) {
            body.put("shard_key", shardKey);
        }
        call("PUT", "/collections/" + collection + "/points?wait=true", body.toString());
    }

    void delete(String collection, long... ids) throws Exception {
        ArrayNode list = JSON.createArrayNode();
        for (long id : ids) {
            list.add(id);
        }
        call("POST", "/collections/" + collection + "/points/delete?wait=true", JSON.createObjectNode().set("points", list).toString());
    }

    /** Point {@code id} written again with another payload {@code uri}. */
    void setPayload(String collection, long id, String uri) throws Exception {
        call("PUT", "/collections/" + collection + "/points?wait=true", "{\"points\":[{\"id\":" + id + ",\"vector\":[1,2,3,4],"
                + "\"payload\":{\"uri\":\"" + uri + "\"}}]}");
    }

    /** Every point as id → {vector, payload}, read through the alias or name. */
    Map<Long, String> points(String collection) throws Exception {
        Map<Long, String> all = new TreeMap<>();
        JsonNode offset = null;
        do {
            ObjectNode body = JSON.createObjectNode().put("limit", 250).put("with_payload", true).put("with_vector", true);
            if (offset != null) {
                body.set("offset", offset);
            }
            JsonNode page = call("POST", "/collections/" + collection + "/points/scroll", body.toString());
            page.path("points").forEach(p -> all.put(p.path("id").asLong(), p.path("vector") + " " + p.path("payload")));
            offset = page.path("next_page_offset");
        } while (offset != null && !offset.isNull() && !offset.isMissingNode());
        return all;
    }

    String aliasTarget(String alias) throws Exception {
        for (JsonNode a : call("GET", "/aliases", null).path("aliases")) {
            if (a.path("alias_name").asText().equals(alias)) {
                return a.path("collection_name").asText();
            }
        }
        return null;
    }

    java.util.List<String> collections() throws Exception {
        java.util.List<String> names = new java.util.ArrayList<>();
        call("GET", "/collections", null).path("collections").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    /** Waits (at most 10 s) until every replica of {@code collection} is Active with no transfer, as this node reports it. */
    void awaitActive(String collection) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            JsonNode info = call("GET", "/collections/" + collection + "/cluster", null);
            boolean active = info.path("shard_transfers").isEmpty();
            for (JsonNode s : info.path("local_shards")) {
                active &= s.path("state").asText().equals("Active");
            }
            for (JsonNode s : info.path("remote_shards")) {
                active &= s.path("state").asText().equals("Active");
            }
            if (active) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("replicas of " + collection + " not Active after 10 s: " + info);
            }
            Thread.sleep(20);
        }
    }
}
