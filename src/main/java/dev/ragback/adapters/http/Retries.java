package dev.ragback.adapters.http;

import dev.ragback.app.RagbackException;

import java.net.http.HttpClient;
import java.time.Duration;

/** What the small HTTP adapters share: a client without redirects, the backoff pause, the "after N tries" note. */
public final class Retries {
    private Retries() {
    }

    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static String tries(int attempt) {
        return attempt > 1 ? " (after " + attempt + " tries)" : "";
    }

    public static void pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while waiting to retry", null, e);
        }
    }
}
