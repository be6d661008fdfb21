package dev.ragback.adapters.qdrant;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One Qdrant node answering canned bodies by {@code METHOD path}, recording every request: pins what the cluster
 * adapter sends and how it reads Qdrant's answers (shapes from openapi.json), until the double's cluster mode runs.
 */
final class CannedQdrantNode implements AutoCloseable {
    record Seen(String method, String pathAndQuery, byte[] body) {
    }

    private final HttpServer server;
    private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    CannedQdrantNode() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                String path = exchange.getRequestURI().getRawPath();
                String query = exchange.getRequestURI().getRawQuery();
                seen.add(new Seen(exchange.getRequestMethod(), path + (query == null ? "" : "?" + query), in.readAllBytes()));
                byte[] body = answers.get(exchange.getRequestMethod() + " " + path);
                if (body == null) {
                    byte[] missing = "{\"status\":{\"error\":\"Not found\"},\"time\":0.5}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(404, missing.length);
                    exchange.getResponseBody().write(missing);
                    return;
                }
                exchange.sendResponseHeaders(statuses.getOrDefault(exchange.getRequestMethod() + " " + path, 200),
                        body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    /** Answers {@code method path} with Qdrant's success envelope around {@code resultJson}. */
    CannedQdrantNode result(String method, String path, String resultJson) {
        return raw(method, path, ("{\"result\":" + resultJson + ",\"status\":\"ok\",\"time\":0.5}").getBytes(StandardCharsets.UTF_8));
    }

    CannedQdrantNode raw(String method, String path, byte[] body) {
        answers.put(method + " " + path, body);
        return this;
    }

    /** Answers {@code method path} with {@code status} and {@code body} (empty: no body, as actix for a route it lacks). */
    CannedQdrantNode status(String method, String path, int status, byte[] body) {
        statuses.put(method + " " + path, status);
        return raw(method, path, body);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
