package dev.ragback.adapters.http;

import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Retry;
import dev.ragback.app.Redaction;
import dev.ragback.app.port.HttpProbe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * {@link HttpProbe} with the JDK's HttpClient. A GET is idempotent, so a 5xx or a connection
 * error is tried again (three tries, doubling pause); the body is read and thrown away.
 */
public final class JdkHttpProbe implements HttpProbe {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final int TRIES = 3;

    private final Duration timeout;
    private final Duration firstBackoff;
    private HttpClient client;

    public JdkHttpProbe() {
        this(TIMEOUT, FIRST_BACKOFF);
    }

    JdkHttpProbe(Duration timeout, Duration firstBackoff) {
        this.timeout = timeout;
        this.firstBackoff = firstBackoff;
    }

    @Override
    public Answer get(URI url) {
        String shown = Redaction.redactUrl(url.toString());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        return Retry.run(new Retry.Policy(TRIES, firstBackoff), Retry::pause, attempt -> {
            try {
                HttpResponse<Void> response = client().send(request, HttpResponse.BodyHandlers.discarding());
                Answer answer = new Answer(response.statusCode(), attempt.number());
                if (response.statusCode() < 500) {
                    return Retry.done(answer);
                }
                return Retry.again(outOfTime -> answer); // a 5xx is tried again; the last one is the answer
            } catch (HttpTimeoutException e) {
                return Retry.againOrThrow(RagbackException.external("GET " + shown + ": no answer within "
                        + Durations.format(timeout) + Retries.tries(attempt.number()), "is the endpoint up?", e));
            } catch (IOException e) {
                return Retry.againOrThrow(RagbackException.external("GET " + shown + " failed" + Retries.tries(attempt.number())
                        + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), "is the endpoint up?", e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted during GET " + shown, null, e);
            }
        });
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = Retries.client(timeout);
        }
        return client;
    }


}
