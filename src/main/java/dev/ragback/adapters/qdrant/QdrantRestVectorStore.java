package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.Names;
import dev.ragback.app.port.Alias;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.VectorPoint;
import dev.ragback.app.port.VectorStore;

import java.net.URI;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/** {@link VectorStore} over Qdrant's REST API. */
public final class QdrantRestVectorStore implements VectorStore {
    private final QdrantHttp http;
    private final QdrantSnapshots snapshots;
    private final QdrantPoints points;

    /**
     * @param requestTimeout   per REST request
     * @param transferIdleTime a snapshot transfer fails after this long without a byte
     */
    public QdrantRestVectorStore(URI baseUrl, String apiKeyOrNull, Duration requestTimeout, Duration transferIdleTime) {
        this(baseUrl, apiKeyOrNull, requestTimeout, transferIdleTime, RetryPolicy.DEFAULT);
    }

    QdrantRestVectorStore(URI baseUrl, String apiKeyOrNull, Duration requestTimeout, Duration transferIdleTime,
                          RetryPolicy retry) {
        this(baseUrl, apiKeyOrNull, requestTimeout, transferIdleTime, retry, QdrantSnapshots.CREATE_TIMEOUT);
    }

    /** @param uploadTimeout how long an upload (recovery included: {@code wait=true}) may take before its answer */
    QdrantRestVectorStore(URI baseUrl, String apiKeyOrNull, Duration requestTimeout, Duration transferIdleTime,
                          RetryPolicy retry, Duration uploadTimeout) {
        this.http = new QdrantHttp(baseUrl, apiKeyOrNull, requestTimeout, retry);
        this.snapshots = new QdrantSnapshots(http, transferIdleTime, uploadTimeout);
        this.points = new QdrantPoints(http);
    }

    @Override
    public SnapshotInfo createSnapshot(String collection) {
        return snapshots.create(collection);
    }

    @Override
    public List<SnapshotInfo> snapshots(String collection) {
        return snapshots.list(collection);
    }

    @Override
    public FileDigest downloadSnapshot(String collection, String snapshot, dev.ragback.app.files.FileTarget target,
                                       String relativePath, LongConsumer progress) {
        return snapshots.download(collection, snapshot, target, relativePath, progress);
    }

    @Override
    public void deleteSnapshot(String collection, String snapshot) {
        snapshots.delete(collection, snapshot);
    }

    @Override
    public void uploadSnapshot(String collection, Path file, String sha256, String uploadName, LongConsumer bytesSent) {
        snapshots.upload(collection, file, sha256, uploadName, bytesSent);
    }

    @Override
    public void recoverSnapshot(String collection, String location, String sha256) {
        snapshots.recover(collection, location, sha256);
    }

    @Override
    public void deleteCollection(String collection) {
        String path = "/collections/" + segment("collection name", collection);
        http.result("DELETE", path, http.send("DELETE", path, null, true, Set.of()));
    }

    @Override
    public void updateAliases(List<AliasAction> actions) {
        List<Object> body = new java.util.ArrayList<>();
        for (AliasAction action : actions) {
            Names.require("alias", action.alias());
            if (action.delete()) {
                body.add(java.util.Map.of("delete_alias", java.util.Map.of("alias_name", action.alias())));
            } else {
                Names.require("collection name", action.collection());
                body.add(java.util.Map.of("create_alias", java.util.Map.of("alias_name", action.alias(),
                        "collection_name", action.collection())));
            }
        }
        String path = "/collections/aliases";
        http.result("POST", path, http.send("POST", path, http.write(java.util.Map.of("actions", body)), false, Set.of()));
    }

    @Override
    public long countPoints(String collection) {
        return points.count(collection);
    }

    @Override
    public List<VectorPoint> firstPoints(String collection, int limit, String vectorName) {
        return points.first(collection, limit, vectorName);
    }

    @Override
    public Optional<float[]> vector(String collection, Object id, String vectorName) {
        return points.vector(collection, id, vectorName);
    }

    @Override
    public List<ScoredPoint> exactSearch(String collection, float[] vector, String vectorName, int limit) {
        return points.exactSearch(collection, vector, vectorName, limit);
    }

    @Override
    public String serverVersion() {
        QdrantHttp.Reply reply = http.get("/", Set.of());
        JsonNode version = http.parse("GET", "/", reply).path("version");
        if (!version.isTextual()) {
            throw http.unreadable("GET", "/", "no 'version' in the answer", null);
        }
        return version.asText();
    }

    @Override
    public boolean ready() {
        // 503 is /readyz's "not yet", an answer rather than a failure
        return http.get("/readyz", Set.of(503)).status() == 200;
    }

    @Override
    public ClusterStatus clusterStatus() {
        // /cluster needs global access: a collection-scoped key gets 403, an answer rather than a failure
        QdrantHttp.Reply reply = http.get("/cluster", Set.of(403));
        if (reply.status() == 403) {
            String why = http.envelopeError(reply.body());
            return new ClusterStatus(ClusterStatus.Mode.UNKNOWN, 0, "GET /cluster answered 403"
                    + (why == null ? "" : ": " + why.strip()) + "; the api key has no global access");
        }
        JsonNode result = http.result("GET", "/cluster", reply);
        String status = result.path("status").asText("");
        return switch (status) {
            case "disabled" -> ClusterStatus.singleNode();
            case "enabled" -> new ClusterStatus(ClusterStatus.Mode.CLUSTER, result.path("peers").size(), "enabled");
            default -> throw http.unreadable("GET", "/cluster", "status '" + Names.printable(status) + "'", null);
        };
    }

    @Override
    public void checkManageAccess() {
        // an empty alias batch: needs global manage access, as uploads do, and changes nothing
        String path = "/collections/aliases";
        http.result("POST", path, http.send("POST", path, "{\"actions\":[]}", true, Set.of()));
    }

    @Override
    public boolean collectionExists(String name) {
        return http.getResult("/collections/" + segment("collection name", name) + "/exists").path("exists").asBoolean();
    }

    @Override
    public void createPlaceholderCollection(String name) {
        String path = "/collections/" + segment("collection name", name);
        http.result("PUT", path, http.send("PUT", path, "{\"vectors\":{\"size\":1,\"distance\":\"Cosine\"}}", false, Set.of()));
    }

    @Override
    public List<String> collectionNames() {
        return CollectionInfoReader.collectionNames(http.getResult("/collections"));
    }

    @Override
    public Optional<CollectionInfo> collection(String name) {
        String path = "/collections/" + segment("collection name", name);
        QdrantHttp.Reply reply = http.get(path, Set.of(404));
        if (reply.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(CollectionInfoReader.collection(name, http.result("GET", path, reply)));
    }

    @Override
    public List<Alias> aliases() {
        return CollectionInfoReader.aliases(http.getResult("/aliases"));
    }

    @Override
    public Optional<String> resolveAlias(String alias) {
        Names.require("alias", alias);
        return aliases().stream()
                .filter(a -> a.aliasName().equals(alias))
                .map(Alias::collectionName)
                .findFirst();
    }

    /** The name checked for safety and percent-encoded as one path segment. */
    static String segment(String what, String name) {
        Names.require(what, name);
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    @Override
    public String toString() {
        return "QdrantRestVectorStore[" + http.where() + "]";
    }
}
