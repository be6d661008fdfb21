package dev.ragback.adapters.slack;

import dev.ragback.adapters.http.Retries;
import dev.ragback.app.Retry;
import dev.ragback.app.Durations;
import dev.ragback.app.port.Notifier;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Posts the rollback message to a Slack incoming webhook (SLACK_WEBHOOK). Best effort: notify.slack_timeout
 * (5 s) per attempt and one retry on 429, 5xx, a connection error or a timeout, after {@code Retry-After}
 * seconds (at most 10) or 1 s. A timeout is retried although Slack may have posted the first
 * message: a duplicate alert is better than a lost one. The webhook URL is a secret: no message
 * names more than "the Slack webhook".
 */
public final class SlackWebhookNotifier implements Notifier {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);
    private static final String WEBHOOK = "the Slack webhook";
    private static final int MAX_QUOTED = 200;

    private final URI webhook;
    private final Path template;
    private final Duration timeout;
    private final Duration defaultBackoff;
    private final Duration maxRetryAfter;
    private final Sleeper sleeper;

    /** Waits before the retry; false when interrupted. A seam so tests see the wait without taking it. */
    interface Sleeper {
        boolean sleep(Duration wait);
    }

    /** {@code webhook} null means not configured: nothing is sent. */
    public SlackWebhookNotifier(URI webhook, Path template) {
        this(webhook, template, TIMEOUT);
    }

    /** {@code timeout}: per attempt, to connect and to get the answer (notify.slack_timeout). */
    public SlackWebhookNotifier(URI webhook, Path template, Duration timeout) {
        this(webhook, template, timeout, DEFAULT_BACKOFF, MAX_RETRY_AFTER);
    }

    SlackWebhookNotifier(URI webhook, Path template, Duration timeout, Duration defaultBackoff, Duration maxRetryAfter) {
        this(webhook, template, timeout, defaultBackoff, maxRetryAfter, SlackWebhookNotifier::pause);
    }

    SlackWebhookNotifier(URI webhook, Path template, Duration timeout, Duration defaultBackoff, Duration maxRetryAfter,
                         Sleeper sleeper) {
        this.webhook = webhook;
        this.template = template;
        this.timeout = timeout;
        this.defaultBackoff = defaultBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.sleeper = sleeper;
    }

    @Override
    public boolean configured() {
        return webhook != null;
    }

    @Override
    public String describe() {
        return configured() ? "Slack webhook" : "Slack not configured (SLACK_WEBHOOK unset)";
    }

    /**
     * Returns null when sent or not configured. When notify.template cannot be used the built-in
     * message is sent instead and the returned warning says why.
     */
    @Override
    public String notify(RollbackNotice notice) {
        if (!configured()) {
            return null;
        }
        String templateProblem = null;
        String body;
        try {
            body = SlackMessage.render(template == null ? SlackMessage.BUILT_IN_TEMPLATE
                    : Files.readString(template, StandardCharsets.UTF_8), notice);
        } catch (IOException | IllegalArgumentException e) {
            templateProblem = "notify.template " + template + " " + templateProblem(e);
            body = SlackMessage.render(SlackMessage.BUILT_IN_TEMPLATE, notice);
        }
        String failure = send(body);
        if (failure != null) {
            return "Slack notification failed: " + scrub(failure) + (templateProblem == null ? "" : "; also " + scrub(templateProblem));
        }
        return templateProblem == null ? null : "Slack notified with the built-in message because " + scrub(templateProblem);
    }

    private static String templateProblem(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "does not exist";
        }
        if (e instanceof IllegalArgumentException) {
            return "is unusable: " + e.getMessage();
        }
        return "cannot be read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** Null when Slack accepted the message, else what went wrong (before scrubbing). */
    private String send(String body) {
        HttpRequest request = HttpRequest.newBuilder(webhook).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        List<String> failures = new ArrayList<>();
        Retry.Sleeper pausing = wait -> {
            if (!sleeper.sleep(wait)) {
                throw new SleepInterrupted();
            }
        };
        try {
            return Retry.run(new Retry.Policy(2, defaultBackoff), pausing, attempt -> {
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    int status = response.statusCode();
                    if (status / 100 == 2) {
                        return Retry.done(null);
                    }
                    String answered = WEBHOOK + " answered " + status + quote(response.body());
                    if (status != 429 && status < 500) {
                        return Retry.done((failures.isEmpty() ? "" : failures.get(0) + "; retry: ") + answered + " (check SLACK_WEBHOOK)");
                    }
                    failures.add(answered);
                    return Retry.again(retryAfter(response).orElse(defaultBackoff), outOfTime -> bothFailed(failures));
                } catch (HttpConnectTimeoutException e) {
                    failures.add("cannot connect to " + WEBHOOK + " within " + Durations.format(timeout));
                } catch (HttpTimeoutException e) {
                    failures.add("no answer from " + WEBHOOK + " within " + Durations.format(timeout));
                } catch (ConnectException e) {
                    failures.add("cannot connect to " + WEBHOOK + ": " + message(e));
                } catch (IOException e) {
                    failures.add("sending to " + WEBHOOK + " failed: " + message(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Retry.done("interrupted while sending to " + WEBHOOK);
                }
                return Retry.again(outOfTime -> bothFailed(failures));
            });
        } catch (SleepInterrupted e) {
            return failures.get(0) + "; interrupted before the retry";
        }
    }

    private static String bothFailed(List<String> failures) {
        return failures.get(0).equals(failures.get(1)) ? failures.get(0) + " (2 tries)"
                : failures.get(0) + "; retry: " + failures.get(1);
    }

    private static final class SleepInterrupted extends RuntimeException {
        SleepInterrupted() {
            super(null, null, false, false);
        }
    }

    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        return Retries.retryAfter(response.headers(), Clock.systemUTC())
                .map(asked -> asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked);
    }

    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String message(IOException e) {
        return Retries.message(e);
    }

    private static String quote(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s*\\R\\s*", " ").strip();
        if (flat.isEmpty()) {
            return "";
        }
        return ": '" + (flat.length() > MAX_QUOTED ? flat.substring(0, MAX_QUOTED) + "…" : flat) + "'";
    }

    /** Removes the webhook's address, or any piece of its path, from a text that is about to be shown. */
    private String scrub(String text) {
        String clean = text.replace(webhook.toString(), WEBHOOK);
        if (webhook.getRawAuthority() != null) {
            clean = clean.replace(webhook.getRawAuthority(), "Slack");
        }
        for (String segment : (webhook.getRawPath() + "/" + (webhook.getRawQuery() == null ? "" : webhook.getRawQuery())).split("[/?&=]")) {
            if (segment.length() >= 4) {
                clean = clean.replace(segment, "***");
            }
        }
        return clean.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "SlackWebhookNotifier[" + describe() + "]";
    }
}
