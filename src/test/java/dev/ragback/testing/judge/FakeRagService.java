package dev.ragback.testing.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A RAG service for tests: {@code POST /ask {"question": …}} answers {@code {"answer", "contexts"}}
 * from a {@link JudgeFixture} (an unknown question gets 404 as a plain text). Fault {@code rag}:
 * {@code error_500} answers 500. With {@link #requireAuth}, a request without that Authorization
 * header gets 401. {@link #nested()} answers {@code {"data": {"text", "passages": […]}}} instead.
 */
public final class FakeRagService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received: headers with lower-case names. */
    public record Received(String body, Map<String, List<String>> headers) {
    }

    private final HttpServer server;
    private final JudgeFixture fixture;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile String requiredAuth;
    private volatile boolean nested;

    public FakeRagService(JudgeFixture fixture) {
        this(fixture, 0);
    }

    public FakeRagService(JudgeFixture fixture, int port) {
        this.fixture = fixture;
        server = LoopbackServer.create(port, "fake-rag");
        server.createContext("/ask", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ask");
    }

    public FakeRagService requireAuth(String value) {
        this.requiredAuth = value;
        return this;
    }

    /** Answers in another shape, {@code {"data": {"text": …, "passages": […]}}}: for the pointer keys. */
    public FakeRagService nested() {
        this.nested = true;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            received.add(new Received(body, headers));
            if (requiredAuth != null && !requiredAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "{\"detail\": \"not authenticated\"}");
                return;
            }
            JsonNode question = JSON.readTree(body).path("question");
            JudgeFixture.Entry entry = fixture.byQuestion(question.asText());
            if (entry == null) {
                send(exchange, 404, "no such question");
                return;
            }
            if ("error_500".equals(entry.fault("rag"))) {
                send(exchange, 500, "{\"detail\": \"index unavailable\"}");
                return;
            }
            ObjectNode answer = JSON.createObjectNode();
            if (nested) {
                ObjectNode data = answer.putObject("data").put("text", entry.answer());
                entry.contexts().forEach(data.putArray("passages")::add);
            } else {
                answer.put("answer", entry.answer());
                entry.contexts().forEach(answer.putArray("contexts")::add);
            }
            send(exchange, 200, answer.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
