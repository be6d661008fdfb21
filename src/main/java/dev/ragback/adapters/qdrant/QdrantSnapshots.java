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
    private final Duration idleTimeout;

    QdrantSnapshots(QdrantHttp http, Duration idleTimeout) {
        this.http = http;
        this.idleTimeout = idleTimeout;
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

    FileDigest download(String collection, String snapshot, Path target, String relativePath, LongConsumer progress) {
        String path = base(collection) + "/" + QdrantRestVectorStore.segment("snapshot name", snapshot);
        return http.download(path, target, relativePath, progress, idleTimeout);
    }

    void delete(String collection, String snapshot) {
        String path = base(collection) + "/" + QdrantRestVectorStore.segment("snapshot name", snapshot) + "?wait=true";
        http.send("DELETE", path, null, true, Set.of(404));
    }

    private static String base(String collection) {
        return "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/snapshots";
    }

    private SnapshotInfo info(JsonNode node, String method, String path) {
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
