package dev.ragback.adapters.qdrant;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.vectors.QdrantVersion;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongConsumer;

/** Shard snapshots on one node: streamed download (v1.12+) or create, download, delete; upload; delete. */
final class QdrantShardSnapshots {
    /** The first Qdrant with {@code GET /collections/{c}/shards/{id}/snapshot}, which streams and leaves nothing behind. */
    static final QdrantVersion STREAMING = QdrantVersion.parse("1.12.0");

    private final QdrantHttp http;
    private final QdrantTransfers transfers;
    private final Duration idleTimeout;
    private volatile Boolean streams;

    QdrantShardSnapshots(QdrantHttp http, Duration idleTimeout) {
        this.http = http;
        this.transfers = new QdrantTransfers(http);
        this.idleTimeout = idleTimeout;
    }

    FileDigest download(String collection, int shardId, FileTarget target, String relativePath, LongConsumer progress) {
        if (streams()) {
            return transfers.download(base(collection, shardId).replaceAll("s$", ""), target, relativePath, progress, idleTimeout);
        }
        String path = base(collection, shardId) + "?wait=true";
        SnapshotInfo made = QdrantSnapshots.info(http, http.result("POST", path,
                http.send("POST", path, null, false, Set.of(), QdrantSnapshots.CREATE_TIMEOUT)), "POST", path);
        try {
            return transfers.download(file(collection, shardId, made.name()), target, relativePath, progress, idleTimeout);
        } finally {
            delete(collection, shardId, made.name());
        }
    }

    /** Recovers the shard from {@code file}, checksum checked by the server, then deletes the copy the server keeps. */
    void upload(String collection, int shardId, Path file, String sha256, String uploadName) {
        Names.require("snapshot name", uploadName);
        String path = base(collection, shardId) + "/upload?wait=true&priority=snapshot&checksum=" + QdrantSnapshots.hex(sha256);
        try {
            http.result("POST", path, transfers.upload(path, file, uploadName, QdrantSnapshots.CREATE_TIMEOUT, sent -> { }));
        } catch (IOException e) {
            throw RagbackException.external("cannot read " + file + " for the upload: " + e.getMessage(), null, e);
        }
    }

    void delete(String collection, int shardId, String name) {
        http.send("DELETE", file(collection, shardId, name) + "?wait=true", null, true, Set.of(404));
    }

    private boolean streams() {
        if (streams == null) {
            String version = http.parse("GET", "/", http.get("/", Set.of())).path("version").asText("0.0.0");
            streams = QdrantVersion.parse(version).compareTo(STREAMING) >= 0;
        }
        return streams;
    }

    private static String file(String collection, int shardId, String name) {
        return base(collection, shardId) + "/" + QdrantRestVectorStore.segment("snapshot name", name);
    }

    private static String base(String collection, int shardId) {
        return "/collections/" + QdrantRestVectorStore.segment("collection name", collection) + "/shards/" + shardId + "/snapshots";
    }
}
