package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-process stand-in for Qdrant v1.19.0's REST API, bound to 127.0.0.1. It speaks the subset
 * ragback uses (contract-tested against Qdrant's openapi.json), keeps collections in a
 * {@link CollectionStore} and snapshots as real files in a temp directory it deletes on
 * {@link #close()}, records every request and can be told to misbehave.
 */
public final class QdrantDouble implements AutoCloseable {
    private final String apiKey;
    private final CollectionStore store;
    private final Faults faults = new Faults();
    private final SnapshotStore snapshots = new SnapshotStore();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<SnapshotRecovery> recoveries = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService workers;

    /** A double without authentication. */
    public QdrantDouble() {
        this(null);
    }

    /** A double on a free port that answers 401 to requests without this api key ({@code null}: no authentication). */
    public QdrantDouble(String apiKey) {
        this(apiKey, 0);
    }

    /** A double on {@code port} (0: a free one) of 127.0.0.1. */
    public QdrantDouble(String apiKey, int port) {
        this(apiKey, null, port);
    }

    /**
     * A double with a global manage key and a read-only key ({@code readOnlyKey}): the read-only key
     * may read (GET, and count/scroll/query) but gets 403 on every change, uploads and recovers
     * included, as Qdrant's {@code read_only_api_key} and read-only JWTs do.
     */
    public QdrantDouble(String apiKey, String readOnlyKey, int port) {
        this(apiKey, readOnlyKey, port, new CollectionStore(), standaloneCluster(), 0, true);
    }

    /** A single Qdrant is a one-peer "cluster" whose shards are Active at once: shard snapshots work on it too. */
    private static ClusterState standaloneCluster() {
        ClusterState single = new ClusterState(1);
        single.activationDelay(Duration.ZERO);
        return single;
    }

    /** Node {@code index} of {@code cluster}, sharing {@code store} with the other nodes ({@link QdrantDoubleCluster}). */
    QdrantDouble(String apiKey, String readOnlyKey, int port, CollectionStore store, ClusterState cluster, int index,
                 boolean standalone) {
        this.apiKey = apiKey;
        this.store = store;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            snapshots.close();
            throw new UncheckedIOException("cannot bind the Qdrant double to 127.0.0.1:" + port, e);
        }
        workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "qdrant-double");
            thread.setDaemon(true);
            return thread;
        });
        ClusterRoutes clusterRoutes = new ClusterRoutes(cluster, index, store);
        ShardSnapshotRoutes shardRoutes = new ShardSnapshotRoutes(clusterRoutes, snapshots, faults, recoveries);
        QdrantRoutes routes = new QdrantRoutes(store, faults,
                new SnapshotRoutes(store, snapshots, faults, recoveries, shardRoutes, standalone), clusterRoutes,
                shardRoutes, standalone);
        server.setExecutor(workers);
        server.createContext("/", new HttpFront(apiKey, readOnlyKey, faults, routes, requests));
        server.start();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public CollectionStore store() {
        return store;
    }

    /** Creates a collection with one unnamed vector. */
    public void createCollection(String name, int size, String distance) {
        store.create(name, Replies.JSON.createObjectNode().put("size", size).put("distance", distance));
    }

    /** Creates a collection from a {@code vectors} JSON text: a single {@code {size, distance}} or a map of them. */
    public void createCollection(String name, String vectorsJson) {
        store.create(name, json(vectorsJson));
    }

    /** Creates a collection from a whole create request's JSON text: vectors, shard_number, hnsw_config... */
    public void createCollectionWith(String name, String createRequestJson) {
        store.createFromRequest(name, json(createRequestJson));
    }

    public void createAlias(String alias, String collection) {
        JsonNode request = Replies.JSON.createObjectNode().set("actions", Replies.JSON.createArrayNode().add(
                Replies.JSON.createObjectNode().set("create_alias", Replies.JSON.createObjectNode()
                        .put("collection_name", collection).put("alias_name", alias))));
        store.updateAliases(request);
    }

    /** Upserts points given as the JSON text of an upsert request's {@code points} array. */
    public void upsertPoints(String collection, String pointsJson) {
        store.upsert(collection, json(pointsJson));
    }

    /** The points of a collection (or of an alias's collection), in Qdrant's id order. */
    public List<StoredCollection.Point> points(String collection) {
        return store.require(collection).points();
    }

    /** Each point of a collection (or alias) as "id vector payload", in id order: for comparing whole stores. */
    public List<String> pointLines(String collection) {
        return points(collection).stream().map(p -> p.id() + " " + p.vector() + " " + p.payload()).toList();
    }

    /** Deletes points by id: {@link Long}/{@link Integer} ids or UUID strings. */
    public void deletePoints(String collection, Object... ids) {
        List<PointId> keys = new ArrayList<>();
        for (Object id : ids) {
            keys.add(PointId.of(Replies.JSON.valueToTree(id), "ids"));
        }
        store.require(collection).delete(keys);
    }

    /** The directory holding the snapshot files, one subdirectory per collection; file:// recovery is allowed only in it. */
    public Path snapshotsDir() {
        return snapshots.snapshotsDir();
    }

    /** The names of a collection's snapshots, oldest first (an alias resolves; a deleted collection's files still count). */
    public List<String> snapshotNames(String collection) {
        String name = store.find(collection).map(StoredCollection::name).orElse(collection);
        try {
            return snapshots.list(name).stream().map(SnapshotStore.Description::name).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every file under the snapshots directory, as {@code <directory>/<file>}: also uploads whose
     * collection is gone, which the API can no longer list.
     */
    public List<String> snapshotFiles() {
        try {
            return snapshots.allFiles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Uploads {@code content} as the multipart part {@code snapshot} named {@code fileName} through the
     * HTTP API, as a client would ({@code priority=snapshot}); returns the answer's status. The file
     * stays on the server whatever the recovery made of it, as in Qdrant.
     */
    public int upload(String collection, String fileName, byte[] content) {
        String boundary = "double-" + java.util.UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                        url().resolve("/collections/" + collection + "/snapshots/upload?priority=snapshot"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.concat(java.net.http.HttpRequest.BodyPublishers.ofByteArray(head),
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(content),
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(tail)));
        if (apiKey != null) {
            request.header("api-key", apiKey);
        }
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Snapshots created from now on end with this many deterministic ballast bytes, which recovery skips. */
    public void snapshotBallast(long bytes) {
        snapshots.ballast(bytes);
    }

    /** Every snapshot upload and recover request so far (priority and checksum as sent), oldest first. */
    public List<SnapshotRecovery> recoveries() {
        return List.copyOf(recoveries);
    }

    /** The next {@code count} requests answer 500 with Qdrant's error envelope. */
    public void failNext(int count) {
        failNext(count, 500);
    }

    /** The next {@code count} requests answer {@code status} with Qdrant's error envelope (after their body is read). */
    public void failNext(int count, int status) {
        faults.failNext(count, status);
    }

    /** The next {@code count} requests get their connection closed without an answer. */
    public void dropNext(int count) {
        faults.dropNext(count);
    }

    /** Every answer waits this long first; {@link Duration#ZERO} turns it off. */
    public void delay(Duration delay) {
        faults.delay(delay);
    }

    /** The next {@code count} snapshot downloads promise the whole file's Content-Length, send half, then close. */
    public void truncateNextDownloads(int count) {
        faults.truncateDownloads(count);
    }

    /** The next {@code count} snapshot downloads lose their connection after a third of the bytes. */
    public void dropNextDownloads(int count) {
        faults.dropDownloads(count);
    }

    /** The next {@code count} snapshot downloads stop for {@code pause} halfway, then finish. */
    public void stallNextDownloads(int count, Duration pause) {
        faults.stallDownloads(count, pause);
    }

    /** The next {@code count} snapshots created report (and list) a checksum that is not their sha256. */
    public void wrongChecksumOnNextSnapshots(int count) {
        faults.wrongChecksums(count);
    }

    /** After each upload or recover, the collection reports yellow for this many status reads, then green. */
    public void yellowAfterRecovery(int statusReads) {
        faults.yellowAfterRecovery(statusReads);
    }

    /** The next {@code count} snapshot uploads read the whole body, then answer 500 and change nothing. */
    public void failNextUploadsAfterBody(int count) {
        faults.failUploadsAfterBody(count);
    }

    /**
     * The next {@code count} snapshot uploads read the whole body, keep the file, then lose the connection
     * without an answer; with {@code recover} the recovery is done first, as a server that goes on after
     * its client gave up.
     */
    public void cutNextUploadsAfterBody(int count, boolean recover) {
        faults.cutUploadsAfterBody(count, recover);
    }

    /** The version {@code GET /} reports (default {@value QdrantRoutes#VERSION}). */
    /** The next {@code count} alias batches that change something answer 500. */
    public void failNextAliasChanges(int count) {
        faults.failAliasChanges(count);
    }

    /**
     * Alias batches that change something hang until {@link #releaseAliasChanges()}, then answer 503
     * having changed nothing (the switch never happened).
     */
    public void holdAliasChanges() {
        faults.aliasChanges().hold();
    }

    public void releaseAliasChanges() {
        faults.aliasChanges().release();
    }

    /** How many alias changes are hanging now (see {@link #holdAliasChanges()}). */
    public int aliasChangesWaiting() {
        return faults.aliasChanges().waiting();
    }

    /**
     * The next {@code count} uploads or recovers give each recovered point another point's vector:
     * the collection is green with the right count, but its searches answer wrongly.
     */
    public void scrambleNextRecoveries(int count) {
        faults.scrambleRecoveries(count);
    }

    /** Snapshot uploads wait before Qdrant reads their body (a slow network) until {@link #releaseUploads()}. */
    public void holdUploads() {
        faults.uploads().hold();
    }

    public void releaseUploads() {
        faults.uploads().release();
    }

    /** How many uploads are waiting now (see {@link #holdUploads()}). */
    public int uploadsWaiting() {
        return faults.uploads().waiting();
    }

    public void serverVersion(String version) {
        faults.version(version);
    }

    /** {@code GET /cluster} reports a cluster of this many peers; 0 (the default) is single-node mode ("disabled"). */
    public void clusterPeers(int peers) {
        faults.clusterPeers(peers);
    }

    /** Down: every connection is closed without an answer (a node of a cluster that is gone). */
    void down(boolean down) {
        faults.down(down);
    }

    /** When false, {@code /readyz} answers 503 as a starting Qdrant does. */
    public void ready(boolean ready) {
        faults.ready(ready);
    }

    /** Sets a collection's reported status: green, yellow, grey or red (red also fails the optimizer status). */
    public void collectionStatus(String collection, String status) {
        store.status(collection, status);
    }

    /** Clears every fault switch (not the data, the snapshot ballast or the request log). */
    public void resetFaults() {
        faults.reset();
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
        recoveries.clear();
    }

    /** Stops the server and deletes every snapshot file. */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS); // a worker may still be writing a snapshot file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshots.close();
    }

    private static JsonNode json(String text) {
        try {
            return Replies.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    @Override
    public String toString() {
        return "QdrantDouble[" + url() + (apiKey == null ? "" : ", api key required") + "]";
    }
}
