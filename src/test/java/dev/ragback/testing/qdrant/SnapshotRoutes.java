package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Create, list, download, delete, upload and recover collection snapshots. */
final class SnapshotRoutes {
    private static final Set<String> PRIORITIES = Set.of("no_sync", "snapshot", "replica");
    private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(10);

    private final CollectionStore store;
    private final SnapshotStore snapshots;
    private final Faults faults;
    private final List<SnapshotRecovery> recoveries;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final ShardSnapshotRoutes shards;
    private final boolean standalone;

    SnapshotRoutes(CollectionStore store, SnapshotStore snapshots, Faults faults, List<SnapshotRecovery> recoveries,
                   ShardSnapshotRoutes shards, boolean standalone) {
        this.store = store;
        this.snapshots = snapshots;
        this.faults = faults;
        this.recoveries = recoveries;
        this.shards = shards;
        this.standalone = standalone;
    }

    Replies.Reply list(String collection) throws IOException {
        ArrayNode list = Replies.JSON.createArrayNode();
        snapshots.list(store.require(collection).name()).forEach(d -> list.add(Replies.snapshotDescription(d)));
        return Replies.ok(list);
    }

    Replies.Reply create(String collection, boolean wait) throws IOException {
        StoredCollection stored = store.require(collection);
        SnapshotStore.Description created = snapshots.create(stored, shards.localShards(stored), faults.takeWrongChecksum());
        return wait ? Replies.ok(Replies.snapshotDescription(created)) : Replies.accepted();
    }

    /** Qdrant's download handler answers its errors in plain text, not in the JSON envelope. */
    Replies.Reply download(String collection, String name) {
        try {
            return Replies.file(snapshots.file(store.require(collection).name(), name).orElseThrow(() -> notFound(name)));
        } catch (QdrantError e) {
            return Replies.text(e.status(), e.getMessage());
        }
    }

    Replies.Reply delete(String collection, String name, boolean wait) throws IOException {
        if (!snapshots.delete(store.require(collection).name(), name)) {
            throw notFound(name);
        }
        return wait ? Replies.ok(BooleanNode.TRUE) : Replies.accepted();
    }

    /**
     * As Qdrant v1.19's upload handler: spools the multipart part {@code snapshot}, checks the checksum
     * (a mismatch drops the spooled file), moves it to {@code snapshots/<name in the URL>/<part's file
     * name>} where it stays, then recovers from it, resolving an alias to its collection.
     */
    Replies.Reply upload(String collection, Request request) throws IOException {
        CollectionStore.checkName(collection);
        String priority = request.param("priority");
        String checksum = request.param("checksum");
        recoveries.add(new SnapshotRecovery("upload", collection, null, priority, checksum));
        checkPriority(priority, "Query deserialize error: ");
        checkChecksumFormat(checksum, "query parameters");
        Path spooled = snapshots.tempFile();
        Faults.Upload fault;
        Path kept;
        try {
            MultipartUpload.Part part = MultipartUpload.copyPart(request.stream(), request.contentType(), "snapshot", spooled);
            fault = faults.takeUpload();
            if (fault == Faults.Upload.FAIL) {
                return Replies.error(500, "Service internal error: injected failure after the upload was read");
            }
            if (checksum != null && !checksum.equalsIgnoreCase(part.sha256())) {
                // Qdrant names the arguments this way round for uploads
                throw new QdrantError(400, "Checksum mismatch: expected " + part.sha256() + ", actual " + checksum);
            }
            kept = snapshots.keepUpload(collection, part.fileName(), spooled);
        } finally {
            Files.deleteIfExists(spooled);
        }
        if (fault == Faults.Upload.CUT) {
            return Replies.CUT; // the client hears nothing, and nothing was recovered
        }
        recoverFrom(collection, kept, priority);
        if (fault == Faults.Upload.CUT_AFTER_RECOVERY) {
            return Replies.CUT; // the recovery went on after the client lost the connection
        }
        return request.waits() ? Replies.ok(BooleanNode.TRUE) : Replies.accepted();
    }

    /** {@code PUT …/snapshots/recover}: {@code file://} inside the snapshots directory, or {@code http(s)://}. */
    Replies.Reply recover(String collection, Request request, JsonNode body) throws IOException {
        CollectionStore.checkName(collection);
        JsonNode locationNode = body.get("location");
        if (locationNode == null || !locationNode.isTextual()) {
            throw QdrantError.format("missing field `location`");
        }
        String location = locationNode.asText();
        String priority = text(body, "priority");
        String checksum = text(body, "checksum");
        recoveries.add(new SnapshotRecovery("recover", collection, location, priority, checksum));
        checkPriority(priority, "Format error in JSON body: ");
        checkChecksumFormat(checksum, "JSON body");
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw QdrantError.format("location: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "file" -> recoverChecked(collection, localFile(uri), checksum, priority);
            case "http", "https" -> {
                Path fetched = fetch(uri, text(body, "api_key"));
                try {
                    recoverChecked(collection, fetched, checksum, priority);
                } finally {
                    Files.deleteIfExists(fetched);
                }
            }
            default -> throw new QdrantError(400, "Bad request: URL " + location + " with schema " + scheme
                    + " is not supported");
        }
        return request.waits() ? Replies.ok(BooleanNode.TRUE) : Replies.accepted();
    }

    private void recoverChecked(String collection, Path file, String checksum, String priority) throws IOException {
        if (checksum != null) {
            String actual = SnapshotStore.sha256(file);
            if (!checksum.equalsIgnoreCase(actual)) {
                throw QdrantError.wrongInput("Snapshot checksum mismatch: expected " + checksum + ", got " + actual);
            }
        }
        recoverFrom(collection, file, priority);
    }

    /**
     * Reads the file first, so a broken snapshot changes nothing. On a cluster node an existing
     * collection gets back only the shards this node holds ({@link ShardSnapshotRoutes#recoverLocalShards}).
     */
    private void recoverFrom(String collection, Path file, String priority) {
        String target = store.find(collection).map(StoredCollection::name).orElse(collection);
        StoredCollection recovered;
        if (!standalone && store.find(target).isPresent()) {
            recovered = shards.recoverLocalShards(store.require(target), SnapshotFormat.readShards(file, target), priority);
        } else {
            recovered = store.recover(target, SnapshotFormat.read(file, target));
        }
        recovered.yellowFor(faults.yellowReadsAfterRecovery());
        if (faults.takeScrambledRecovery()) {
            recovered.scrambleVectors();
        }
    }

    private Path localFile(URI uri) throws IOException {
        Path path;
        try {
            boolean relative = uri.getAuthority() != null && !uri.getAuthority().equals("localhost");
            path = relative ? snapshots.snapshotsDir().resolve(uri.getAuthority() + uri.getPath()) : Path.of(uri.getPath());
        } catch (RuntimeException e) {
            throw new QdrantError(400, "Bad request: Invalid snapshot URI, file path must be absolute or on localhost");
        }
        Path normal = path.toAbsolutePath().normalize();
        Path real = Files.exists(normal) ? normal.toRealPath() : normal;
        if (!real.startsWith(snapshots.snapshotsDir())) {
            throw new QdrantError(403, "Forbidden: Snapshot file \"" + path + "\" must be inside snapshots directory");
        }
        if (!Files.isRegularFile(real)) {
            throw new QdrantError(400, "Bad request: Snapshot file \"" + path + "\" does not exist");
        }
        return real;
    }

    private Path fetch(URI uri, String apiKey) throws IOException {
        Path target = snapshots.tempFile();
        HttpRequest.Builder get = HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET();
        if (apiKey != null) {
            get.header("api-key", apiKey);
        }
        boolean fetched = false;
        try {
            HttpResponse<Path> response = http.send(get.build(), HttpResponse.BodyHandlers.ofFile(target));
            if (response.statusCode() / 100 != 2) {
                throw QdrantError.wrongInput("Failed to download snapshot from " + uri + ": status - " + response.statusCode());
            }
            fetched = true;
            return target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QdrantError(500, "Service internal error: interrupted while downloading " + uri);
        } catch (IOException e) {
            throw new QdrantError(500, "Service internal error: Http request error: " + e.getMessage());
        } finally {
            if (!fetched) {
                Files.deleteIfExists(target);
            }
        }
    }

    private static void checkPriority(String priority, String errorPrefix) {
        if (priority != null && !PRIORITIES.contains(priority)) {
            throw new QdrantError(400, errorPrefix + "priority: unknown variant `" + priority
                    + "`, expected one of `no_sync`, `snapshot`, `replica`");
        }
    }

    private static void checkChecksumFormat(String checksum, String where) {
        if (checksum != null && !checksum.matches("[0-9a-fA-F]{64}")) {
            throw new QdrantError(422, "Validation error in " + where + ": [checksum: invalid SHA256 hash]");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static QdrantError notFound(String name) {
        return new QdrantError(404, "Not found: Snapshot " + name + " not found");
    }
}
