package dev.ragback.adapters.ragservice;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.adapters.http.Retries;
import dev.ragback.app.Retry;
import dev.ragback.app.Quotes;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Redaction;
import dev.ragback.app.port.Exchange;
import dev.ragback.app.port.RagService;
import dev.ragback.app.port.Unanswered;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link RagService} over HTTP: {@code POST {"question": …}} to eval.rag_url, the answer and the
 * contexts read at two JSON Pointers (default {@code /answer} and {@code /contexts}). EVAL_RAG_AUTH,
 * when set, is sent as the Authorization header, or as {@code Name: value} when it has that form.
 */
public final class HttpRagService implements RagService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAMED_HEADER = Pattern.compile("([A-Za-z0-9-]+):\\s*(\\S.*)");
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int QUOTE = 120;

    /** Where the service is and how its answers are shaped. */
    public record Settings(URI url, String auth, String answerPointer, String contextsPointer, int retries) {
        @Override
        public String toString() {
            return "Settings[" + Redaction.redactUrl(url.toString()) + "]";
        }
    }

    private final Settings settings;
    private final JsonPointer answerAt;
    private final JsonPointer contextsAt;
    private final Clock clock;
    private final Retry.Sleeper sleeper;
    private final HttpClient client = Retries.http11Client(CONNECT_TIMEOUT);

    public HttpRagService(Settings settings) {
        this(settings, Clock.systemUTC(), Retry::pause);
    }

    HttpRagService(Settings settings, Clock clock, Retry.Sleeper sleeper) {
        this.settings = settings;
        this.answerAt = JsonPointer.compile(settings.answerPointer());
        this.contextsAt = JsonPointer.compile(settings.contextsPointer());
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public String describe() {
        return "the RAG service at " + Redaction.redactUrl(settings.url().toString());
    }

    @Override
    public Answer ask(String question, Instant deadline) {
        String body = JSON.createObjectNode().put("question", question).toString();
        List<Exchange> exchanges = new ArrayList<>();
        HttpResponse<String> response;
        try {
            response = Retries.send(client, left -> request(body, left), new Retries.Plan(settings.retries() + 1, FIRST_BACKOFF, deadline),
                    clock, sleeper, t -> exchanges.add(new Exchange(body, t.status(), t.body(), t.failure(), t.millis())));
        } catch (Retries.DeadlineExceeded e) {
            throw new Unanswered("the RAG service did not answer within the query's timeout (eval.timeout)", exchanges);
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot reach " + describe() + ": " + Retries.message(e)
                    + Retries.tries(exchanges.size()), "start the RAG service, or fix eval.rag_url", e);
        }
        int status = response.statusCode();
        String answered = describe() + " answered " + status + ": " + quote(response.body());
        if (status == 401 || status == 403) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, answered,
                    "check EVAL_RAG_AUTH (the Authorization header's value, or 'Header-Name: value')");
        }
        if (status == 404 || status == 405) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, answered, "check eval.rag_url: it takes POST {\"question\": …}");
        }
        if (status / 100 != 2) {
            throw new Unanswered("the RAG service answered " + status + Retries.tries(exchanges.size()), exchanges);
        }
        JsonNode document = parse(response.body(), exchanges);
        JsonNode answer = document.at(answerAt);
        if (!answer.isTextual()) {
            throw new Unanswered("the RAG service's answer has no text at " + pointer(settings.answerPointer())
                    + " (eval.rag_answer_pointer)", exchanges);
        }
        return new Answer(answer.asText(), contexts(document.at(contextsAt), exchanges), exchanges.get(exchanges.size() - 1));
    }

    private List<String> contexts(JsonNode node, List<Exchange> exchanges) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new Unanswered("the RAG service's answer has no list of contexts at " + pointer(settings.contextsPointer())
                    + " (eval.rag_contexts_pointer)", exchanges);
        }
        List<String> contexts = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new Unanswered("the RAG service's contexts at " + pointer(settings.contextsPointer())
                        + " are not all texts", exchanges);
            }
            contexts.add(item.asText());
        }
        return contexts;
    }

    private HttpRequest request(String body, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.auth() != null) {
            Matcher named = NAMED_HEADER.matcher(settings.auth());
            if (named.matches() && !named.group(1).equalsIgnoreCase("Bearer") && !named.group(1).equalsIgnoreCase("Basic")) {
                builder.header(named.group(1), named.group(2));
            } else {
                builder.header("Authorization", settings.auth());
            }
        }
        return builder.build();
    }

    private static JsonNode parse(String body, List<Exchange> exchanges) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node != null && node.isContainerNode()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new Unanswered("the RAG service's answer is not JSON: " + quote(body), exchanges);
    }

    private static String pointer(String pointer) {
        return pointer.isEmpty() ? "the top level" : pointer;
    }

    private static String quote(String text) {
        return Quotes.oneLine(text, QUOTE);
    }
}
