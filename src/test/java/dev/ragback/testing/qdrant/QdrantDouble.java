package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-process stand-in for Qdrant v1.19.0's REST API, bound to 127.0.0.1 on a free port. It
 * speaks the subset ragback uses (contract-tested against Qdrant's openapi.json), keeps its
 * state in a {@link CollectionStore}, records every request and can be told to misbehave.
 */
public final class QdrantDouble implements AutoCloseable {
    // like Qdrant: the root and the probes stay open when an api key is configured
    private static final Set<String> OPEN_PATHS = Set.of("/", "/healthz", "/livez", "/readyz");

    private final String apiKey;
    private final CollectionStore store = new CollectionStore();
    private final Faults faults = new Faults();
    private final QdrantRoutes routes = new QdrantRoutes(store, faults::ready);
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService workers;

    /** A double without authentication. */
    public QdrantDouble() {
        this(null);
    }

    /** A double that answers 401 to requests without this api key ({@code null}: no authentication). */
    public QdrantDouble(String apiKey) {
        this.apiKey = apiKey;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the Qdrant double to 127.0.0.1", e);
        }
        workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "qdrant-double");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
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
        try {
            store.create(name, Replies.JSON.readTree(vectorsJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + vectorsJson, e);
        }
    }

    public void createAlias(String alias, String collection) {
        JsonNode request = Replies.JSON.createObjectNode().set("actions", Replies.JSON.createArrayNode().add(
                Replies.JSON.createObjectNode().set("create_alias", Replies.JSON.createObjectNode()
                        .put("collection_name", collection).put("alias_name", alias))));
        store.updateAliases(request);
    }

    /** The next {@code count} requests answer 500 with Qdrant's error envelope. */
    public void failNext(int count) {
        failNext(count, 500);
    }

    /** The next {@code count} requests answer {@code status} with Qdrant's error envelope. */
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

    /** When false, {@code /readyz} answers 503 as a starting Qdrant does. */
    public void ready(boolean ready) {
        faults.ready(ready);
    }

    /** Sets a collection's reported status: green, yellow, grey or red (red also fails the optimizer status). */
    public void collectionStatus(String collection, String status) {
        store.status(collection, status);
    }

    /** Clears every fault switch (not the data or the request log). */
    public void resetFaults() {
        faults.reset();
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            URI uri = exchange.getRequestURI();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    headers(exchange)));
            if (faults.takeDrop()) {
                return; // closing before the headers are sent drops the connection
            }
            if (!pause()) {
                return;
            }
            send(exchange, answer(exchange, uri, body));
        } catch (IOException e) {
            // the client gave up (e.g. its timeout fired during a delay): nobody left to answer
        }
    }

    private Replies.Reply answer(HttpExchange exchange, URI uri, byte[] body) {
        int failure = faults.takeFailure();
        if (failure != 0) {
            return Replies.error(failure, "Service internal error: injected fault");
        }
        String path = uri.getRawPath();
        if (apiKey != null && !OPEN_PATHS.contains(path)) {
            String problem = authProblem(exchange);
            if (problem != null) {
                return Replies.text(401, problem);
            }
        }
        return routes.route(exchange.getRequestMethod(), segments(path), uri.getRawQuery(), body);
    }

    private String authProblem(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("api-key");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).strip();
        }
        if (key == null) {
            return "Must provide an API key or an Authorization bearer token";
        }
        return key.equals(apiKey) ? null : "Invalid API key or JWT";
    }

    private boolean pause() {
        Duration delay = faults.delay();
        if (delay.isZero()) {
            return true;
        }
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void send(HttpExchange exchange, Replies.Reply reply) throws IOException {
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toString() {
        return "QdrantDouble[" + url() + (apiKey == null ? "" : ", api key required") + "]";
    }
}
