package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The bodies the double sends, shaped as Qdrant v1.19.0 shapes them. */
final class Replies {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JSON_TYPE = "application/json";
    static final String TEXT_TYPE = "text/plain; charset=utf-8";
    // exact in binary: the validator's format:float check calls 0.0001 an overflow
    private static final double TIME = 0.5;

    /** One answer: status, content type ({@code null} for none) and a body, or a file streamed as the body. */
    record Reply(int status, String contentType, byte[] body, Path file, boolean deleteFile) {
        Reply(int status, String contentType, byte[] body) {
            this(status, contentType, body, null, false);
        }
    }

    /** Not an answer: the connection is closed without one. */
    static final Reply CUT = new Reply(0, null, new byte[0]);

    private Replies() {
    }

    static Reply ok(JsonNode result) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("result", result);
        envelope.put("status", "ok");
        envelope.put("time", TIME);
        return json(200, envelope);
    }

    /** What Qdrant answers to {@code wait=false}: the work goes on, no job id. */
    static Reply accepted() {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("status", "accepted");
        envelope.put("time", TIME);
        return json(202, envelope);
    }

    /** A snapshot download: raw bytes, as actix's NamedFile serves a {@code .snapshot} file. */
    static Reply file(Path file) {
        return new Reply(200, "application/octet-stream", new byte[0], file, false);
    }

    /** A streamed shard snapshot: the file is made for this answer and deleted once sent, as Qdrant leaves nothing behind. */
    static Reply stream(Path file) {
        return new Reply(200, "application/octet-stream", new byte[0], file, true);
    }

    static Reply error(int status, String message) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.putObject("status").put("error", message);
        envelope.put("time", TIME);
        return json(status, envelope);
    }

    static Reply json(int status, JsonNode body) {
        return new Reply(status, JSON_TYPE, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Reply text(int status, String text) {
        return new Reply(status, TEXT_TYPE, text.getBytes(StandardCharsets.UTF_8));
    }

    static Reply version(String version, String commit) {
        ObjectNode info = JSON.createObjectNode();
        info.put("title", "qdrant - vector search engine");
        info.put("version", version);
        info.put("commit", commit);
        return json(200, info);
    }

    static JsonNode collections(List<String> names) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode list = result.putArray("collections");
        names.forEach(name -> list.addObject().put("name", name));
        return result;
    }

    static JsonNode aliases(Map<String, String> aliasToCollection) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode list = result.putArray("aliases");
        aliasToCollection.forEach((alias, collection) ->
                list.addObject().put("alias_name", alias).put("collection_name", collection));
        return result;
    }

    static JsonNode snapshotDescription(SnapshotStore.Description snapshot) {
        ObjectNode description = JSON.createObjectNode();
        description.put("name", snapshot.name());
        description.put("creation_time", snapshot.creationTime());
        description.put("size", snapshot.size());
        if (snapshot.checksum() != null) {
            // Qdrant leaves the member out (skip_serializing_if) for a file without a .checksum beside it: an upload
            description.put("checksum", snapshot.checksum());
        }
        return description;
    }

    /** {@code GET /cluster}: single-node mode, or a cluster of {@code peers} peers with this one leading. */
    static JsonNode cluster(int peers) {
        ObjectNode result = JSON.createObjectNode();
        if (peers == 0) {
            return result.put("status", "disabled");
        }
        long self = 1_000_000_001L;
        result.put("status", "enabled").put("peer_id", self);
        ObjectNode all = result.putObject("peers");
        for (int i = 0; i < peers; i++) {
            all.putObject(String.valueOf(self + i)).put("uri", "http://qdrant-node-" + i + ":6335/");
        }
        result.putObject("raft_info").put("term", 2).put("commit", 42).put("pending_operations", 0).put("leader", self)
                .put("role", "Leader").put("is_voter", true);
        result.putObject("consensus_thread_status").put("consensus_thread_status", "working")
                .put("last_update", "2026-11-28T03:15:02.000000Z");
        result.putObject("message_send_failures");
        return result;
    }

    static JsonNode updateResult(long operationId, boolean waited) {
        return JSON.createObjectNode().put("operation_id", operationId).put("status", waited ? "completed" : "acknowledged");
    }

    /** {@code GET /collections/{c}}: the defaults a fresh single-node Qdrant 1.19 reports. */
    static JsonNode collectionInfo(StoredCollection collection) {
        ObjectNode info = JSON.createObjectNode();
        String status = collection.readStatus();
        info.put("status", status);
        if ("red".equals(status)) {
            info.putObject("optimizer_status").put("error", "injected optimizer failure");
        } else {
            info.put("optimizer_status", "ok");
        }
        info.put("indexed_vectors_count", 0);
        info.put("points_count", collection.pointsCount());
        info.put("segments_count", 2);
        info.set("config", collection.configJson());
        ObjectNode schema = info.putObject("payload_schema");
        collection.payloadSchema().forEach((field, type) -> {
            ObjectNode index = schema.putObject(field).setAll((ObjectNode) type.deepCopy());
            index.put("points", collection.points().stream()
                    .filter(p -> p.payload() != null && p.payload().has(field)).count());
        });
        return info;
    }
}
