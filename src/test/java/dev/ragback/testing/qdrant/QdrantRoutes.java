package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Maps a request to the store and shapes the answer; knows nothing of auth or connection faults. */
final class QdrantRoutes {
    static final String VERSION = "1.19.0";
    private static final String COMMIT = "74f3e85b9473c62560006c043e13737ce6b48412";

    private final CollectionStore store;
    private final Faults server;
    private final PointRoutes points;
    private final SnapshotRoutes snapshots;
    private final ClusterRoutes cluster;
    private final ShardSnapshotRoutes shardSnapshots;
    private final boolean standalone;

    /** {@code standalone}: a single Qdrant ({@code /cluster} as the fault switches say); else a cluster node. */
    QdrantRoutes(CollectionStore store, Faults server, SnapshotRoutes snapshots, ClusterRoutes cluster,
                 ShardSnapshotRoutes shardSnapshots, boolean standalone) {
        this.store = store;
        this.server = server;
        this.points = new PointRoutes(store);
        this.snapshots = snapshots;
        this.cluster = cluster;
        this.shardSnapshots = shardSnapshots;
        this.standalone = standalone;
    }

    Replies.Reply route(Request request) {
        try {
            return dispatch(request);
        } catch (QdrantError e) {
            return Replies.error(e.status(), e.getMessage());
        } catch (IOException e) {
            return Replies.error(500, "Service internal error: " + e);
        }
    }

    private Replies.Reply dispatch(Request request) throws IOException {
        List<String> s = request.segments();
        String method = request.method();
        int n = s.size();
        boolean get = method.equals("GET");
        if (n == 0 && get) {
            return Replies.version(server.version(), COMMIT);
        }
        if (n == 1 && get) {
            return root(s.get(0));
        }
        if (n < 2 || !s.get(0).equals("collections")) {
            return notFound();
        }
        String collection = s.get(1);
        if (n == 2) {
            return collection(method, collection, request);
        }
        if (n == 3 && get && s.get(2).equals("aliases")) {
            return Replies.ok(Replies.aliases(store.aliasesOf(collection)));
        }
        if (n == 3 && get && s.get(2).equals("exists")) {
            // an alias resolves, as everywhere else
            return Replies.ok(Replies.JSON.createObjectNode().put("exists", store.find(collection).isPresent()));
        }
        if (s.get(2).equals("points")) {
            return points(method, collection, n == 4 ? s.get(3) : null, n, request);
        }
        if (s.get(2).equals("snapshots") && n <= 4) {
            return snapshots(method, collection, n == 4 ? s.get(3) : null, request);
        }
        if (n == 3 && get && s.get(2).equals("cluster")) {
            return cluster.collectionCluster(collection);
        }
        if (n == 3 && s.get(2).equals("shards")) {
            return method.equals("PUT") ? cluster.createShardKey(collection, json(request))
                    : get ? cluster.shardKeys(collection) : notFound();
        }
        if (n == 3 && method.equals("PUT") && s.get(2).equals("index")) {
            return index(collection, json(request), "true".equals(request.param("wait")));
        }
        if (n >= 5 && s.get(2).equals("shards")) {
            Replies.Reply reply = shardSnapshots.route(collection, s.get(3), s.subList(4, n), request);
            return reply == null ? notFound() : reply;
        }
        return notFound();
    }

    private Replies.Reply root(String segment) {
        switch (segment) {
            case "healthz", "livez":
                return Replies.text(200, "healthz check passed");
            case "readyz":
                return server.ready() ? Replies.text(200, "all shards are ready")
                        : Replies.text(503, "some shards are not ready");
            case "collections":
                return Replies.ok(Replies.collections(store.names()));
            case "aliases":
                return Replies.ok(Replies.aliases(store.aliases()));
            case "cluster":
                return standalone ? Replies.ok(Replies.cluster(server.clusterPeers())) : cluster.cluster();
            default:
                return notFound();
        }
    }

    private Replies.Reply collection(String method, String collection, Request request) {
        if (collection.equals("aliases") && method.equals("POST")) {
            store.updateAliases(json(request));
            return Replies.ok(BooleanNode.TRUE);
        }
        switch (method) {
            case "GET":
                return Replies.ok(Replies.collectionInfo(store.require(collection)));
            case "PUT":
                store.createFromRequest(collection, json(request));
                cluster.state().place(store.require(collection));
                return Replies.ok(BooleanNode.TRUE);
            case "DELETE":
                cluster.state().forget(collection);
                return Replies.ok(BooleanNode.valueOf(store.delete(collection)));
            default:
                return notFound();
        }
    }

    private Replies.Reply points(String method, String collection, String action, int n, Request request) {
        // point updates default to wait=false in Qdrant
        boolean waited = "true".equals(request.param("wait"));
        if (n == 3 && method.equals("PUT")) {
            JsonNode body = json(request);
            StoredCollection stored = store.require(collection);
            cluster.routeUpsert(collection, body);
            return Replies.ok(Replies.updateResult(stored.upsert(body.path("points")), waited));
        }
        if (n == 3 && method.equals("POST")) {
            return points.retrieve(collection, json(request));
        }
        if (n != 4 || !method.equals("POST")) {
            return notFound();
        }
        switch (action) {
            case "count":
                JsonNode count = json(request);
                JsonNode key = count.get("shard_key");
                return key == null || key.isNull() ? points.count(collection, count) : cluster.countInKey(collection, key);
            case "scroll":
                return points.scroll(collection, json(request));
            case "query":
                return points.query(collection, json(request));
            case "delete":
                cluster.written(collection);
                return points.delete(collection, json(request), waited);
            default:
                return notFound();
        }
    }

    private Replies.Reply snapshots(String method, String collection, String name, Request request) throws IOException {
        if (name == null) {
            switch (method) {
                case "GET":
                    return snapshots.list(collection);
                case "POST":
                    return snapshots.create(collection, request.waits());
                default:
                    return notFound();
            }
        }
        if (name.equals("upload") && method.equals("POST")) {
            return snapshots.upload(collection, request);
        }
        if (name.equals("recover") && method.equals("PUT")) {
            return snapshots.recover(collection, request, json(request));
        }
        switch (method) {
            case "GET":
                return snapshots.download(collection, name);
            case "DELETE":
                return snapshots.delete(collection, name, request.waits());
            default:
                return notFound();
        }
    }

    /** {@code PUT /collections/{c}/index}: a payload index; {@code field_schema} a type name or a params object. */
    private Replies.Reply index(String collection, JsonNode body, boolean waited) {
        StoredCollection stored = store.require(collection);
        JsonNode field = body.get("field_name");
        if (field == null || !field.isTextual()) {
            throw QdrantError.format("missing field `field_name`");
        }
        JsonNode schema = body.get("field_schema");
        ObjectNode index = Replies.JSON.createObjectNode();
        if (schema != null && schema.isTextual()) {
            index.put("data_type", schema.asText());
        } else if (schema != null && schema.isObject() && schema.path("type").isTextual()) {
            index.put("data_type", schema.get("type").asText());
            index.set("params", schema);
        } else {
            throw QdrantError.wrongInput("the Qdrant test double needs a field_schema for the payload index");
        }
        stored.index(field.asText(), index);
        return Replies.ok(Replies.updateResult(stored.upsert(Replies.JSON.createArrayNode()), waited));
    }

    private static JsonNode json(Request request) {
        byte[] body;
        try {
            body = request.bytes();
        } catch (UncheckedIOException e) {
            throw QdrantError.format(e.getCause().getMessage());
        }
        if (body.length == 0) {
            throw QdrantError.format("EOF while parsing a value at line 1 column 0");
        }
        try {
            return Replies.JSON.readTree(body);
        } catch (IOException e) {
            throw QdrantError.format(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
        }
    }

    /** actix answers an unknown route with an empty 404. */
    private static Replies.Reply notFound() {
        return new Replies.Reply(404, null, new byte[0]);
    }
}
