package dev.ragback.testing.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible chat endpoint for tests ({@code POST /v1/chat/completions}), answering
 * ragback's two judge stages from a {@link JudgeFixture}: the statements of the answer it is
 * given, then one verdict per statement it knows. Every exchange is recorded (request body,
 * status, response headers and body) so a contract test can validate both sides against the
 * OpenAI spec. Faults, per query and stage ({@code statements} or {@code verdicts}):
 * <ul>
 *   <li>{@code rate_limit_once}: 429 with {@code Retry-After: 1}, then the answer;</li>
 *   <li>{@code server_error_once}: 500, then the answer;</li>
 *   <li>{@code hang}: answers after 30 s (longer than any test's query timeout);</li>
 *   <li>{@code not_json}: prose, every time;</li>
 *   <li>{@code bad_schema_once}: JSON of the wrong shape, then the answer when asked to repair;</li>
 *   <li>{@code length}: a cut-off answer with {@code finish_reason: length}, every time;</li>
 *   <li>{@code fenced}: the answer inside a ```json fence, with prose around it.</li>
 * </ul>
 * {@link #refuseJsonSchema()} makes it answer 400 to {@code response_format: json_schema}, as servers
 * without structured output do. {@link #delay} delays every answer.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One exchange as it happened.
     *
     * @param requestHeaders  names in lower case
     * @param responseHeaders names as sent
     */
    public record Recorded(String requestBody, Map<String, List<String>> requestHeaders, int status,
                           Map<String, List<String>> responseHeaders, String responseBody) {
    }

    private final HttpServer server;
    private final JudgeFixture fixture;
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean refuseJsonSchema;
    private volatile Duration delay = Duration.ZERO;
    private volatile String requiredKey;

    public FakeOpenAiServer(JudgeFixture fixture) {
        this(fixture, 0);
    }

    public FakeOpenAiServer(JudgeFixture fixture, int port) {
        this.fixture = fixture;
        server = LoopbackServer.create(port, "fake-openai");
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** The base URL ragback is given as eval.judge_url. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public FakeOpenAiServer refuseJsonSchema() {
        this.refuseJsonSchema = true;
        return this;
    }

    public FakeOpenAiServer delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Requests without {@code Authorization: Bearer <key>} get 401. */
    public FakeOpenAiServer requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    public List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            Answer answer = answer(body, exchange.getRequestHeaders().getFirst("Authorization"));
            long wait = answer.waitMillis() + delay.toMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            recorded.add(new Recorded(body, headers, answer.status(), Map.copyOf(exchange.getResponseHeaders()), answer.body()));
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer to
        }
    }

    private record Answer(int status, String body, Map<String, String> headers, long waitMillis) {
        static Answer ok(String body) {
            return new Answer(200, body, Map.of(), 0);
        }
    }

    private Answer answer(String body, String authorization) throws IOException {
        if (requiredKey != null && !("Bearer " + requiredKey).equals(authorization)) {
            return new Answer(401, error("Incorrect API key provided.", "invalid_request_error"), Map.of(), 0);
        }
        JsonNode request = JSON.readTree(body);
        String format = request.path("response_format").path("type").asText("");
        if (refuseJsonSchema && format.equals("json_schema")) {
            return new Answer(400, error("response_format json_schema is not supported by this server; use json_object",
                    "invalid_request_error"), Map.of(), 0);
        }
        JsonNode messages = request.path("messages");
        String first = messages.path(1).path("content").asText("");
        if (!first.startsWith("Input:\n")) {
            return Answer.ok(completion(request, "OK", "stop"));
        }
        JsonNode input = JSON.readTree(first.substring("Input:\n".length()));
        boolean statementsStage = input.has("answer");
        String stage = statementsStage ? "statements" : "verdicts";
        JudgeFixture.Entry entry = statementsStage ? fixture.byAnswer(input.path("answer").asText())
                : fixture.byStatement(input.path("statements").path(0).asText());
        if (entry == null) {
            return Answer.ok(completion(request, statementsStage ? "{\"statements\": []}" : "{\"statements\": []}", "stop"));
        }
        String fault = entry.fault(stage) == null ? "" : entry.fault(stage);
        int call = calls.computeIfAbsent(entry.id() + "/" + stage, k -> new AtomicInteger()).incrementAndGet();
        boolean repairRound = messages.size() > 2;
        String good = statementsStage ? statements(entry) : verdicts(entry, input.path("statements"));
        return switch (fault) {
            case "rate_limit_once" -> call == 1 ? new Answer(429, error("Rate limit reached for requests", "requests"),
                    Map.of("Retry-After", "1"), 0) : Answer.ok(completion(request, good, "stop"));
            case "server_error_once" -> call == 1 ? new Answer(500, error("The server had an error while processing your request.",
                    "server_error"), Map.of(), 0) : Answer.ok(completion(request, good, "stop"));
            case "hang" -> new Answer(200, completion(request, good, "stop"), Map.of(), 30_000);
            case "not_json" -> Answer.ok(completion(request, "The statements look faithful to me.", "stop"));
            case "bad_schema_once" -> Answer.ok(completion(request, repairRound ? good : "{\"claims\": [\"something\"]}", "stop"));
            case "length" -> Answer.ok(completion(request, good.substring(0, good.length() / 2), "length"));
            case "fenced" -> Answer.ok(completion(request, "Here is the result:\n```json\n" + good + "\n```\nDone.", "stop"));
            default -> Answer.ok(completion(request, good, "stop"));
        };
    }

    private static String statements(JudgeFixture.Entry entry) {
        ObjectNode out = JSON.createObjectNode();
        entry.statements().forEach(out.putArray("statements")::add);
        return out.toString();
    }

    /** One verdict per statement asked about that the fixture knows, in the order asked. */
    private static String verdicts(JudgeFixture.Entry entry, JsonNode asked) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("statements");
        for (JsonNode statement : asked) {
            JsonNode verdict = entry.verdicts().get(statement.asText());
            if (verdict != null) {
                list.addObject().put("statement", statement.asText()).put("reason", "fixture verdict").set("verdict", verdict);
            }
        }
        return out.toString();
    }

    private String completion(JsonNode request, String content, String finish) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-fake-" + ids.incrementAndGet());
        out.put("object", "chat.completion");
        out.put("created", 1_764_300_000L);
        out.put("model", request.path("model").asText("fake"));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        out.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", content.length() / 4).put("total_tokens",
                100 + content.length() / 4);
        return out.toString();
    }

    private static String error(String message, String type) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
