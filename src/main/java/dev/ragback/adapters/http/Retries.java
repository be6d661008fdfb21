package dev.ragback.adapters.http;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the HTTP adapters share: a client without redirects, the "after N tries" note, {@code Retry-After},
 * and {@link #send}: one request tried again ({@link Retry}) on 429, 5xx and connection failures within
 * a deadline.
 */
public final class Retries {
    private Retries() {
    }

    /**
     * How {@link #send} tries.
     *
     * @param tries        at most this many tries (1 = no retry)
     * @param firstBackoff the wait before the second try when the server names none; doubled after each
     * @param deadline     no try starts, and no wait ends, after this; each try's timeout is the time left
     */
    public record Plan(int tries, Duration firstBackoff, Instant deadline) {
    }

    /**
     * One try, reported as it ends.
     *
     * @param status   the HTTP status; 0 when no answer came
     * @param body     the answer's body; {@code null} when none came
     * @param failure  why no answer came; {@code null} when one did
     * @param millis   how long it took
     */
    public record Try(int status, String body, String failure, long millis) {
    }

    /** The deadline passed before an answer came. */
    public static final class DeadlineExceeded extends IOException {
        public DeadlineExceeded(String message) {
            super(message);
        }
    }

    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A client that speaks HTTP/1.1 only: for plain-http services called many times (the judge, the
     * RAG service), the default HTTP/2 client's h2c upgrade attempt on every new connection costs a
     * round trip that such servers (uvicorn, Ollama, vLLM) never accept.
     */
    public static HttpClient http11Client(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static String tries(int attempt) {
        return attempt > 1 ? " (after " + attempt + " tries)" : "";
    }

    /** The server's {@code Retry-After}: delay-seconds or an HTTP date; empty when absent, unreadable or past. */
    public static Optional<Duration> retryAfter(HttpHeaders headers, Clock clock) {
        Optional<String> header = headers.firstValue("Retry-After").map(String::strip);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        if (header.get().matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(header.get())));
        }
        try {
            Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME));
            // a date already past (or a skewed clock) names no wait: the caller's own backoff applies
            return until.isNegative() || until.isZero() ? Optional.empty() : Optional.of(until);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends the request built for each try (with the time left as its timeout) until it is answered
     * with something other than 429 or 5xx, the tries run out, or the next wait (Retry-After, else the
     * doubling backoff) would end past the deadline; returns the last answer. A connection failure is
     * tried again the same way and thrown when the tries run out; {@link DeadlineExceeded} when the
     * time is up without an answer.
     */
    public static HttpResponse<String> send(HttpClient client, Function<Duration, HttpRequest> request, Plan plan,
                                            Clock clock, Retry.Sleeper sleeper, Consumer<Try> seen) throws IOException {
        Retry.Policy policy = new Retry.Policy(plan.tries(), plan.firstBackoff());
        try {
            return Retry.until(plan.deadline(), clock, policy, sleeper, attempt -> tryOnce(client, request, plan, clock, seen));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Retry.Outcome<HttpResponse<String>> tryOnce(HttpClient client, Function<Duration, HttpRequest> request, Plan plan,
                                                               Clock clock, Consumer<Try> seen) {
        Duration left = Duration.between(clock.instant(), plan.deadline());
        if (left.isNegative() || left.isZero()) {
            throw new UncheckedIOException(new DeadlineExceeded("no answer before the deadline"));
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.apply(left), HttpResponse.BodyHandlers.ofString());
            seen.accept(new Try(response.statusCode(), response.body(), null, millisSince(started)));
            if (!retryable(response.statusCode())) {
                return Retry.done(response);
            }
            return Retry.again(retryAfter(response.headers(), clock).orElse(null), outOfTime -> response);
        } catch (HttpConnectTimeoutException e) {
            seen.accept(new Try(0, null, "connect timeout", millisSince(started)));
            return againOrThrow(e);
        } catch (HttpTimeoutException e) {
            seen.accept(new Try(0, null, "no answer within " + left.toMillis() + " ms", millisSince(started)));
            throw new UncheckedIOException(new DeadlineExceeded("no answer before the deadline"));
        } catch (IOException e) {
            seen.accept(new Try(0, null, message(e), millisSince(started)));
            return againOrThrow(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted during an HTTP request", null, e);
        }
    }

    /** A connection failure: thrown when the tries run out, {@link DeadlineExceeded} when the time does. */
    private static Retry.Outcome<HttpResponse<String>> againOrThrow(IOException failure) {
        return Retry.again(outOfTime -> {
            throw new UncheckedIOException(outOfTime ? new DeadlineExceeded("no time left for another try") : failure);
        });
    }

    public static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    /** The HttpClient often throws without a message; a bare ConnectException is a refused connection. */
    public static String message(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
