package dev.ragback.adapters.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.adapters.http.Retries;
import dev.ragback.app.Retry;
import dev.ragback.app.Durations;
import dev.ragback.app.Quotes;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Redaction;
import dev.ragback.app.port.ChatModel;
import dev.ragback.app.port.Exchange;
import dev.ragback.app.port.Unanswered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ChatModel} on an OpenAI-compatible {@code POST {base}/chat/completions} (OpenAI, vLLM,
 * Ollama's /v1, llama.cpp server, LiteLLM), with the JDK's HttpClient. Temperature 0, a fixed
 * seed, max_tokens; structured output ({@code json_schema}, strict) until the endpoint refuses it
 * with a 400 or 422 that names it, then {@code json_object} for the rest of the run. The key goes
 * in the Authorization header only, never in a body, so no exchange kept for the audit file holds it.
 */
public final class OpenAiChatModel implements ChatModel {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int QUOTE = 160;

    /** How to reach the endpoint and what to ask it. */
    public record Settings(URI baseUrl, String model, String apiKey, int maxTokens, long seed, int retries) {
        @Override
        public String toString() {
            return "Settings[" + Redaction.redactUrl(baseUrl.toString()) + ", model " + model + "]";
        }
    }

    private final Settings settings;
    private final URI endpoint;
    private final Clock clock;
    private final Retry.Sleeper sleeper;
    private final AtomicBoolean jsonObjectOnly = new AtomicBoolean();
    private final HttpClient client;

    public OpenAiChatModel(Settings settings) {
        this(settings, Clock.systemUTC(), Retry::pause);
    }

    OpenAiChatModel(Settings settings, Clock clock, Retry.Sleeper sleeper) {
        this.settings = settings;
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create(base + (base.endsWith("/") ? "" : "/") + "chat/completions");
        this.clock = clock;
        this.sleeper = sleeper;
        this.client = Retries.http11Client(CONNECT_TIMEOUT);
    }

    @Override
    public String describe() {
        return "model " + settings.model() + " at " + Redaction.redactUrl(settings.baseUrl().toString());
    }

    @Override
    public String responseFormat() {
        return jsonObjectOnly.get() ? "json_object" : "json_schema";
    }

    @Override
    public Reply complete(Prompt prompt, Instant deadline) {
        List<Exchange> exchanges = new ArrayList<>();
        boolean fallback = jsonObjectOnly.get();
        HttpResponse<String> response = post(body(prompt, fallback), deadline, exchanges);
        if (!fallback && refusedStructuredOutput(response)) {
            if (jsonObjectOnly.compareAndSet(false, true)) {
                LOG.warn("{} refused response_format json_schema ({}); asking for json_object for the rest of the run",
                        describe(), response.statusCode());
            }
            response = post(body(prompt, true), deadline, exchanges);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw failure(status, response.body(), exchanges);
        }
        JsonNode choice = parse(response.body()).path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!choice.isObject() || !(content.isTextual() || content.isNull())) {
            throw new Unanswered("the judge answered 200 without a chat completion message: " + quote(response.body()), exchanges);
        }
        return new Reply(content.isNull() ? "" : content.asText(), finish(choice.path("finish_reason").asText("")), exchanges);
    }

    @Override
    public String probe(Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("model", settings.model()).put("temperature", 0).put("max_tokens", 1);
        body.putArray("messages").addObject().put("role", "user").put("content", "Reply with the single word OK.");
        List<Exchange> exchanges = new ArrayList<>();
        HttpResponse<String> response;
        try {
            response = post(body.toString(), clock.instant().plus(timeout), exchanges);
        } catch (Unanswered e) {
            throw RagbackException.external(e.getMessage(), null, null);
        }
        if (response.statusCode() / 100 != 2) {
            throw RagbackException.external(failure(response.statusCode(), response.body(), exchanges).getMessage(), null, null);
        }
        JsonNode content = parse(response.body()).path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw RagbackException.external("the judge " + describe() + " answered 200 without a chat completion: "
                    + quote(response.body()), "check that eval.judge_url is an OpenAI-compatible base URL (…/v1)", null);
        }
        return content.asText();
    }

    private HttpResponse<String> post(String body, Instant deadline, List<Exchange> exchanges) {
        try {
            return Retries.send(client, left -> request(body, left), new Retries.Plan(settings.retries() + 1, FIRST_BACKOFF, deadline),
                    clock, sleeper, t -> exchanges.add(new Exchange(body, t.status(), t.body(), t.failure(), t.millis())));
        } catch (Retries.DeadlineExceeded e) {
            throw new Unanswered("the judge did not answer within the query's timeout (eval.timeout)", exchanges);
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot reach the judge " + describe() + ": " + Retries.message(e)
                    + Retries.tries(settings.retries() + 1), "start it, or fix eval.judge_url (the base URL, ending in /v1 for Ollama and vLLM)", e);
        }
    }

    private HttpRequest request(String body, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.apiKey() != null) {
            builder.header("Authorization", "Bearer " + settings.apiKey());
        }
        return builder.build();
    }

    private String body(Prompt prompt, boolean jsonObject) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", settings.model());
        ArrayNode messages = body.putArray("messages");
        for (Message message : prompt.messages()) {
            messages.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("temperature", 0);
        body.put("seed", settings.seed());
        body.put("max_tokens", settings.maxTokens());
        ObjectNode format = body.putObject("response_format");
        if (jsonObject) {
            format.put("type", "json_object");
        } else {
            format.put("type", "json_schema");
            format.putObject("json_schema").put("name", prompt.schemaName()).put("strict", true).set("schema", prompt.schema());
        }
        return body.toString();
    }

    /** A 400 or 422 whose message is about the response format: the endpoint has no structured output. */
    private static boolean refusedStructuredOutput(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().toLowerCase(Locale.ROOT);
        return (response.statusCode() == 400 || response.statusCode() == 422)
                && (body.contains("json_schema") || body.contains("response_format"));
    }

    /** 401, 403 and 404 make every query fail the same way: the run stops. Others fail this query. */
    private RuntimeException failure(int status, String body, List<Exchange> exchanges) {
        String answered = "the judge " + describe() + " answered " + status + ": " + quote(errorMessage(body));
        return switch (status) {
            case 401, 403 -> new RagbackException(RagbackException.Kind.EXTERNAL, answered,
                    "check EVAL_JUDGE_API_KEY (set it in the environment; it is sent as Authorization: Bearer)");
            case 404 -> new RagbackException(RagbackException.Kind.EXTERNAL, answered,
                    "check eval.judge_url (the base URL: …/v1 for Ollama and vLLM) and eval.judge_model (is the model pulled or served?)");
            default -> new Unanswered(Retries.retryable(status)
                    ? "the judge answered " + status + Retries.tries(exchanges.size()) : "the judge refused the request: " + status
                    + " " + quote(errorMessage(body)), exchanges);
        };
    }

    private static Finish finish(String reason) {
        return switch (reason) {
            case "stop" -> Finish.STOP;
            case "length" -> Finish.LENGTH;
            default -> Finish.OTHER;
        };
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.missingNode() : node;
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }

    private static String errorMessage(String body) {
        JsonNode message = parse(body).path("error").path("message");
        return message.isTextual() ? message.asText() : body == null ? "" : body;
    }

    private static String quote(String text) {
        return Quotes.oneLine(text, QUOTE);
    }

    @Override
    public String toString() {
        return "OpenAiChatModel[" + describe() + ", timeout per query from eval.timeout, " + Durations.format(FIRST_BACKOFF)
                + " first backoff]";
    }
}
