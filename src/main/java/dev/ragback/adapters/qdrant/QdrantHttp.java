package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Set;

/**
 * Qdrant's REST transport: timeouts, the api-key header, retries of idempotent calls and the
 * reading of Qdrant's answer envelopes. Every failure becomes an EXTERNAL {@link RagbackException}
 * naming the server; the api key never appears in one.
 */
final class QdrantHttp {
    private static final Logger LOG = LoggerFactory.getLogger(QdrantHttp.class);
    static final String UNREACHABLE_HINT = "start Qdrant or set QDRANT_URL";
    private static final String SLOW_HINT = "Qdrant is slow or overloaded: look at its load, or raise qdrant.timeout";
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_QUOTED_CHARS = 300;

    /** One answer as received. */
    record Reply(int status, String body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final String apiKey;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final String where;
    private final String root;
    private volatile HttpClient client;

    QdrantHttp(URI baseUrl, String apiKey, Duration timeout, RetryPolicy retry) {
        if (baseUrl == null || baseUrl.getHost() == null
                || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
            throw RagbackException.malformed("qdrant.url must look like http://host:6333, not '" + describe(baseUrl) + "'");
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw RagbackException.malformed("qdrant.timeout must be positive");
        }
        this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
        this.timeout = timeout;
        this.retry = retry;
        this.where = describe(baseUrl);
        String prefix = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath().replaceAll("/+$", "");
        this.root = where + prefix;
    }

    /** {@code scheme://host:port} of the server, for messages (no user info, no path). */
    Duration timeout() {
        return timeout;
    }

    String where() {
        return where;
    }

    RetryPolicy retry() {
        return retry;
    }

    /** GET with retries; a status in {@code answers} is returned like a 2xx instead of failing. */
    Reply get(String path, Set<Integer> answers) {
        return send("GET", path, null, true, answers);
    }

    /** The {@code result} of a GET answered with Qdrant's success envelope. */
    JsonNode getResult(String path) {
        return result("GET", path, get(path, Set.of()));
    }

    /** A parsed JSON body; an unreadable one is the server's fault. */
    JsonNode parse(String method, String path, Reply reply) {
        try {
            return json.readTree(reply.body());
        } catch (IOException e) {
            throw unreadable(method, path, "not JSON", e);
        }
    }

    JsonNode result(String method, String path, Reply reply) {
        JsonNode result = parse(method, path, reply).get("result");
        if (result == null) {
            throw unreadable(method, path, "no 'result' in the answer", null);
        }
        return result;
    }

    RagbackException unreadable(String method, String path, String why, Throwable cause) {
        return RagbackException.external("Qdrant at " + where + " sent an unreadable answer for " + method + " "
                + path + ": " + why, "check that qdrant.url points at Qdrant's REST port (6333)", cause);
    }

    Reply send(String method, String path, String jsonBody, boolean idempotent, Set<Integer> answers) {
        return send(method, path, jsonBody, idempotent, answers, timeout);
    }

    /** POST of a JSON body with retries: for Qdrant's read-only POSTs (count, scroll, query). */
    JsonNode postReadResult(String path, Object body) {
        return result("POST", path, send("POST", path, write(body), true, Set.of(), timeout));
    }

    Reply send(String method, String path, String jsonBody, boolean idempotent, Set<Integer> answers, Duration callTimeout) {
        HttpRequest request = request(method, path, jsonBody, callTimeout);
        return withRetries(method, path, idempotent, callTimeout, () -> {
            HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
            Reply reply = new Reply(response.statusCode(), response.body());
            if (reply.status() / 100 == 2 || answers.contains(reply.status())) {
                return reply;
            }
            return statusFailure(method, path, reply);
        });
    }

    interface Exchange<T> {
        /** The answer, or a {@link StatusFailure} when the status says the call failed. */
        Object run() throws IOException, InterruptedException;
    }

    record StatusFailure(RagbackException failure, boolean retryable) {
    }

    @SuppressWarnings("unchecked")
    <T> T withRetries(String method, String path, boolean idempotent, Duration callTimeout, Exchange<T> exchange) {
        Retry.Policy policy = new Retry.Policy(idempotent ? retry.attempts() : 1, retry.firstBackoff());
        return Retry.run(policy, QdrantHttp::pause, attempt -> {
            RagbackException failure;
            long started = System.nanoTime();
            try {
                Object outcome = exchange.run();
                LOG.debug("Qdrant {} {} done in {} ms", method, path, (System.nanoTime() - started) / 1_000_000);
                if (!(outcome instanceof StatusFailure status)) {
                    return Retry.done((T) outcome);
                }
                failure = withTries(status.failure(), attempt.number());
                if (!status.retryable()) {
                    throw failure;
                }
            } catch (HttpConnectTimeoutException e) {
                failure = transportFailure("could not connect within " + Durations.format(connectTimeout()) + " (connect timeout)",
                        method, path, attempt.number(), UNREACHABLE_HINT, e);
            } catch (HttpTimeoutException e) {
                failure = transportFailure("no answer within " + Durations.format(callTimeout) + " (timeout)",
                        method, path, attempt.number(), SLOW_HINT, e);
            } catch (IdleTimeout e) {
                failure = transportFailure(e.getMessage(), method, path, attempt.number(), SLOW_HINT, e);
            } catch (IOException e) {
                failure = transportFailure(ioCause(e), method, path, attempt.number(), UNREACHABLE_HINT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED,
                        "interrupted while waiting for Qdrant at " + where, null, e);
            }
            if (!attempt.last()) {
                LOG.debug("trying again: {}", failure.getMessage());
            }
            return Retry.againOrThrow(failure);
        });
    }

    /** Thrown by stream readers when the peer went silent for too long. */
    static final class IdleTimeout extends IOException {
        IdleTimeout(String message) {
            super(message);
        }
    }

    String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a request body", e);
        }
    }

    HttpRequest request(String method, String path, String jsonBody, Duration callTimeout) {
        if (jsonBody == null) {
            return request(method, path, HttpRequest.BodyPublishers.noBody(), null, callTimeout);
        }
        return request(method, path, HttpRequest.BodyPublishers.ofString(jsonBody), "application/json", callTimeout);
    }

    HttpRequest request(String method, String path, HttpRequest.BodyPublisher body, String contentType, Duration callTimeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target(path)).timeout(callTimeout);
        if (apiKey != null) {
            builder.header("api-key", apiKey);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return builder.method(method, body).build();
    }

    URI target(String path) {
        return URI.create(root + path);
    }

    HttpClient client() {
        HttpClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    current = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(connectTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    client = current;
                }
            }
        }
        return current;
    }

    Duration connectTimeout() {
        return timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
    }

    StatusFailure statusFailure(String method, String path, Reply reply) {
        String call = method + " " + path;
        String permission = reply.status() == 403 ? envelopeError(reply.body()) : null;
        if (permission != null) {
            // a handler's permission check (JSON envelope), not the auth layer: the key is valid but may not do this
            String what = managesCollections(path) ? "this API key cannot manage collections (a global manage key is needed)"
                    : "this API key may not do this";
            return new StatusFailure(RagbackException.external("Qdrant at " + where + ": " + what + " (403 for " + call
                    + quoted(": ", permission) + ")", "set QDRANT_API_KEY to the global api key: read-only and "
                    + "collection-scoped keys cannot upload or recover snapshots, or change aliases", null), false);
        }
        if (reply.status() == 401 || reply.status() == 403) {
            String message = apiKey == null
                    ? "Qdrant at " + where + " wants an api key (" + reply.status() + " for " + call + ")"
                    : "Qdrant at " + where + " refused the api key (" + reply.status() + " for " + call + ")";
            return new StatusFailure(RagbackException.external(message + quoted(": ", plainText(reply.body())),
                    apiKey == null ? "set QDRANT_API_KEY" : "check QDRANT_API_KEY", null), false);
        }
        String message = "Qdrant at " + where + " answered " + reply.status() + " for " + call
                + quoted(": ", errorText(reply.body()));
        String hint = reply.status() >= 500 ? "look at Qdrant's log; the server failed the request" : null;
        return new StatusFailure(RagbackException.external(message, hint, null), reply.status() >= 500);
    }

    private static RagbackException withTries(RagbackException failure, int attempts) {
        if (attempts < 2) {
            return failure;
        }
        return new RagbackException(failure.kind(), failure.getMessage() + tries(attempts), failure.hint(), failure.getCause());
    }

    RagbackException transportFailure(String cause, String method, String path, int attempts, String hint,
                                              Throwable e) {
        return RagbackException.external("Qdrant at " + where + ": " + cause + " for " + method + " " + path
                + tries(attempts), hint, e);
    }

    static String tries(int attempts) {
        return attempts > 1 ? " (after " + attempts + " attempts)" : "";
    }

    /** The words of a transport failure, e.g. "connection refused" (for messages). */
    static String ioCause(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "connection failed (" + e.getClass().getSimpleName() + ")";
        }
        if (message.contains("header parser received no bytes") || message.contains("closed")) {
            return "connection closed before an answer";
        }
        return "connection failed (" + message.strip() + ")";
    }

    /** Uploads, recovers and alias changes: what needs Qdrant's global manage access. */
    private static boolean managesCollections(String path) {
        String bare = path.replaceFirst("\\?.*$", "");
        return bare.endsWith("/snapshots/upload") || bare.endsWith("/snapshots/recover") || bare.equals("/collections/aliases");
    }

    /** Qdrant's {@code status.error} text when the body is its JSON error envelope, else {@code null}. */
    String envelopeError(String body) {
        try {
            JsonNode error = json.readTree(body).path("status").path("error");
            return error.isTextual() ? error.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** True when the connection was refused or could not be made: no byte of the request went out. */
    static boolean refused(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** Qdrant's {@code status.error} text, or the body itself when it is not Qdrant's error envelope. */
    private String errorText(String body) {
        String error = envelopeError(body);
        return error != null ? error : plainText(body);
    }

    private static String plainText(String body) {
        return body == null ? "" : body.strip();
    }

    private String quoted(String prefix, String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        if (apiKey != null) {
            line = line.replace(apiKey, "***");
        }
        return prefix + (line.length() > MAX_QUOTED_CHARS ? line.substring(0, MAX_QUOTED_CHARS) + "…" : line);
    }

    static void pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while retrying a Qdrant call");
        }
    }

    private static String describe(URI url) {
        if (url == null) {
            return "";
        }
        String host = url.getHost() == null ? "?" : url.getHost();
        return url.getScheme() + "://" + host + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    @Override
    public String toString() {
        return "QdrantHttp[" + where + (apiKey == null ? "" : ", api key set") + "]";
    }
}
