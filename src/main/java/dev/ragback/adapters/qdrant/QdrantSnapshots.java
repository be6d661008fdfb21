package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.SnapshotInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/** Collection snapshots over REST: create, list, streamed download, delete. */
final class QdrantSnapshots {
    // creating a snapshot of a large collection takes long; the call is not retried
    static final Duration CREATE_TIMEOUT = Duration.ofHours(1);

    private final QdrantHttp http;
    private final QdrantTransfers transfers;
    private final Duration idleTimeout;
    private final Duration uploadTimeout;

    QdrantSnapshots(QdrantHttp http, Duration idleTimeout, Duration uploadTimeout) {
        this.http = http;
        this.transfers = new QdrantTransfers(http);
        this.idleTimeout = idleTimeout;
        this.uploadTimeout = uploadTimeout;
    }

    /**
     * Recovers {@code collection} (created when missing) from a local snapshot file, checksum verified
     * by the server, which keeps the file as {@code uploadName} in {@code collection}'s snapshots.
     */
    void upload(String collection, Path file, String sha256, String uploadName, LongConsumer bytesSent) {
        Names.require("snapshot name", uploadName);
        String path = base(collection) + "/upload?wait=true&priority=snapshot&checksum=" + hex(sha256);
        try {
            QdrantHttp.Reply reply = transfers.upload(path, file, uploadName, uploadTimeout, bytesSent);
            http.result("POST", path, reply);
        } catch (java.io.IOException e) {
            throw RagbackException.external("cannot read " + file + " for the upload: " + e.getMessage(), null, e);
        }
    }

    /** Recovers {@code collection} from a snapshot the server can reach ({@code file://} in its snapshots dir, or http). */
    void recover(String collection, String location, String sha256) {
        String path = base(collection) + "/recover?wait=true";
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("location", location);
        body.put("priority", "snapshot");
        if (sha256 != null) {
            body.put("checksum", hex(sha256));
        }
        http.result("PUT", path, http.send("PUT", path, http.write(body), true, Set.of(), CREATE_TIMEOUT));
    }

    static String hex(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            throw RagbackException.malformed("not a sha256 checksum: '" + Names.printable(sha256) + "'");
        }
        return sha256.toLowerCase(java.util.Locale.ROOT);
    }

    SnapshotInfo create(String collection) {
        String path = base(collection) + "?wait=true";
        QdrantHttp.Reply reply = http.send("POST", path, null, false, Set.of(), CREATE_TIMEOUT);
        return info(http.result("POST", path, reply), "POST", path);
    }

    List<SnapshotInfo> list(String collection) {
        String path = base(collection);
        List<SnapshotInfo> snapshots = new ArrayList<>();
        for (JsonNode snapshot : http.getResult(path)) {
            snapshots.add(info(snapshot, "GET", path));
        }
        return snapshots;
    }

    FileDigest download(String collection, String snapshot, dev.ragback.app.files.FileTarget target, String relativePath,
                        LongConsumer progress) {
        String path = base(collection) + "/" + QdrantRestVectorStore.segment("snapshot name", snapshot);
        return transfers.download(path, target, relativePath, progress, idleTimeout);
    }

    void delete(String collection, String snapshot) {
        String path = base(collection) + "/" + QdrantRestVectorStore.segment("snapshot name", snapshot) + "?wait=true";
        http.send("DELETE", path, null, true, Set.of(404));
    }

    private static String base(String collection) {
        return "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/snapshots";
    }

    private SnapshotInfo info(JsonNode node, String method, String path) {
        return info(http, node, method, path);
    }

    static SnapshotInfo info(QdrantHttp http, JsonNode node, String method, String path) {
        JsonNode name = node.path("name");
        if (!name.isTextual() || !node.path("size").isIntegralNumber()) {
            throw http.unreadable(method, path, "a snapshot without name or size", null);
        }
        String problem = Names.problem(name.asText());
        if (problem != null) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant named a snapshot '"
                    + Names.printable(name.asText()) + "', which is not a safe file name: " + problem, null);
        }
        JsonNode checksum = node.path("checksum");
        return new SnapshotInfo(name.asText(), node.path("creation_time").asText(null), node.get("size").asLong(),
                checksum.isTextual() ? checksum.asText() : null);
    }
}
