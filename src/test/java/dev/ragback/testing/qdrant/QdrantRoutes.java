package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Maps a request to the store and shapes the answer; knows nothing of faults or auth. */
final class QdrantRoutes {
    static final String VERSION = "1.19.0";
    private static final String COMMIT = "74f3e85b9473c62560006c043e13737ce6b48412";

    private final CollectionStore store;
    private final BooleanSupplier ready;
    private final AtomicLong operationIds = new AtomicLong();

    QdrantRoutes(CollectionStore store, BooleanSupplier ready) {
        this.store = store;
        this.ready = ready;
    }

    /**
     * @param segments the decoded path segments, e.g. {@code [collections, rag_main]}
     * @param query    the raw query or {@code null}
     */
    Replies.Reply route(String method, List<String> segments, String query, byte[] body) {
        try {
            return dispatch(method, segments, query, body);
        } catch (QdrantError e) {
            return Replies.error(e.status(), e.getMessage());
        }
    }

    private Replies.Reply dispatch(String method, List<String> s, String query, byte[] body) {
        int n = s.size();
        boolean get = method.equals("GET");
        if (n == 0 && get) {
            return Replies.version(VERSION, COMMIT);
        }
        if (n == 1 && get) {
            switch (s.get(0)) {
                case "healthz", "livez":
                    return Replies.text(200, "healthz check passed");
                case "readyz":
                    return ready.getAsBoolean() ? Replies.text(200, "all shards are ready")
                            : Replies.text(503, "some shards are not ready");
                case "collections":
                    return Replies.ok(Replies.collections(store.names()));
                case "aliases":
                    return Replies.ok(Replies.aliases(store.aliases()));
                default:
                    return notFound();
            }
        }
        if (n < 2 || !s.get(0).equals("collections")) {
            return notFound();
        }
        String collection = s.get(1);
        if (n == 2 && collection.equals("aliases") && method.equals("POST")) {
            store.updateAliases(json(body));
            return Replies.ok(BooleanNode.TRUE);
        }
        if (n == 2) {
            switch (method) {
                case "GET":
                    return Replies.ok(Replies.collectionInfo(store.require(collection)));
                case "PUT":
                    store.create(collection, json(body).get("vectors"));
                    return Replies.ok(BooleanNode.TRUE);
                case "DELETE":
                    return Replies.ok(BooleanNode.valueOf(store.delete(collection)));
                default:
                    return notFound();
            }
        }
        if (n == 3 && get && s.get(2).equals("aliases")) {
            return Replies.ok(Replies.aliases(store.aliasesOf(collection)));
        }
        if (n == 3 && method.equals("PUT") && s.get(2).equals("points")) {
            store.upsert(collection, json(body).path("points"));
            boolean waited = query != null && query.matches("(^|.*&)wait=true(&.*|$)");
            return Replies.ok(Replies.updateResult(operationIds.getAndIncrement(), waited));
        }
        return notFound();
    }

    private static JsonNode json(byte[] body) {
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
