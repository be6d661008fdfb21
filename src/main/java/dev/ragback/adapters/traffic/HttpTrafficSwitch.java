package dev.ragback.adapters.traffic;

import dev.ragback.adapters.http.Retries;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.Durations;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Retry;
import dev.ragback.app.Redaction;
import dev.ragback.app.port.TrafficSwitch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Traffic behind an HTTP endpoint ({@code traffic.url}): {@code PUT {"percent": P}} sets it and
 * {@code GET} answers {@code {"percent": P}}. Both are idempotent, so both are tried up to three
 * times on a 5xx or a connection error, with a doubling pause between tries.
 */
public final class HttpTrafficSwitch implements TrafficSwitch {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final int ATTEMPTS = 3;
    private static final int MAX_QUOTED = 200;

    private final URI url;
    private final Duration timeout;
    private final Duration firstBackoff;
    private final ObjectMapper json = new ObjectMapper();
    private HttpClient client;

    /** {@code url} may be null: then every call fails saying traffic.url is not set. */
    public HttpTrafficSwitch(URI url) {
        this(url, TIMEOUT, FIRST_BACKOFF);
    }

    HttpTrafficSwitch(URI url, Duration timeout, Duration firstBackoff) {
        this.url = url;
        this.timeout = timeout;
        this.firstBackoff = firstBackoff;
    }

    @Override
    public String describe() {
        return "http " + (url == null ? "(traffic.url not set)" : Redaction.redactUrl(url.toString()));
    }

    @Override
    public OptionalInt percent() {
        String body = send("GET", null);
        try {
            JsonNode percent = json.readTree(body).path("percent");
            if (percent.canConvertToInt() && percent.isIntegralNumber() && percent.asInt() >= 0 && percent.asInt() <= 100) {
                return OptionalInt.of(percent.asInt());
            }
        } catch (IOException e) {
            // reported below
        }
        throw RagbackException.external(describe() + " answered GET without {\"percent\": 0..100}: "
                + quote(body), "check traffic.url: it must answer GET with {\"percent\": P}", null);
    }

    @Override
    public void set(int percent) {
        send("PUT", "{\"percent\": " + percent + "}");
    }

    private String send(String method, String body) {
        if (url == null) {
            throw RagbackException.malformed("traffic.mode is http but traffic.url is not set");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return Retry.run(new Retry.Policy(ATTEMPTS, firstBackoff), Retry::pause, attempt -> {
            try {
                HttpResponse<String> response = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return Retry.done(response.body());
                }
                RagbackException failure = RagbackException.external(describe() + " answered " + response.statusCode() + " to "
                        + method + Retries.tries(attempt.number()) + ": " + quote(response.body()),
                        "look at the traffic endpoint's log", null);
                if (response.statusCode() < 500) {
                    throw failure;
                }
                return Retry.againOrThrow(failure);
            } catch (HttpTimeoutException e) {
                return Retry.againOrThrow(RagbackException.external(describe() + ": no answer to " + method + " within "
                        + Durations.format(timeout) + Retries.tries(attempt.number()), "is the traffic endpoint up?", e));
            } catch (IOException e) {
                return Retry.againOrThrow(RagbackException.external(describe() + ": " + method + " failed"
                        + Retries.tries(attempt.number()) + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()), "is the traffic endpoint up?", e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while calling " + describe(), null, e);
            }
        });
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = Retries.client(timeout);
        }
        return client;
    }


    private static String quote(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s*\\R\\s*", " ").strip();
        return "'" + Names.printable(flat.length() > MAX_QUOTED ? flat.substring(0, MAX_QUOTED) + "…" : flat) + "'";
    }


    @Override
    public String toString() {
        return "HttpTrafficSwitch[" + describe() + "]";
    }
}
