package dev.ragback.adapters.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragback.app.port.Notifier.RollbackNotice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlackWebhookNotifierTest {
    private static final String TOKEN = "xoxSECRETtoken42";
    private static final String HOOK_PATH = "/services/T0RAGBACK/B0ROLLBACK/" + TOKEN;
    private static final Path SHIPPED_TEMPLATE = Path.of("ops/templates/slack-rollback.json");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration NO_WAIT = Duration.ofMillis(1);
    private static final RollbackNotice FAILED_RUN = new RollbackNotice("rollback_1764300000", "faithfulness_drop", "failed",
            "restore", "3m 10s", "20251128T031500Z-golden", "v1.4.2", "rag-prod-2", "2025-11-28T03:15:00Z");

    /** One request as the Slack stand-in saw it. */
    private record Received(String method, String contentType, String body) {
    }

    /** How the stand-in answers one request. */
    private record Answer(int status, String retryAfter, String body, boolean hang) {
        static Answer status(int status) {
            return new Answer(status, null, "", false);
        }
    }

    private HttpServer server;
    private ExecutorService handlers;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final CountDownLatch releaseHungRequests = new CountDownLatch(1);
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext(HOOK_PATH, this::handle);
        server.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        releaseHungRequests.countDown();
        server.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"), body));
        Answer answer;
        synchronized (answers) {
            answer = answers.isEmpty() ? new Answer(200, null, "ok", false) : answers.poll();
        }
        if (answer.hang()) {
            try {
                releaseHungRequests.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        byte[] reply = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), reply.length == 0 ? -1 : reply.length);
        exchange.getResponseBody().write(reply);
        exchange.close();
    }

    private void answer(Answer... next) {
        synchronized (answers) {
            answers.addAll(List.of(next));
        }
    }

    private URI webhook() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + HOOK_PATH);
    }

    private SlackWebhookNotifier notifier(Path template) {
        return new SlackWebhookNotifier(webhook(), template, TIMEOUT, NO_WAIT, Duration.ofSeconds(10));
    }

    private String textOf(Received request) throws IOException {
        return json.readTree(request.body()).path("text").asText();
    }

    private static void assertNoSecret(String warning) {
        assertFalse(warning.contains(TOKEN), warning);
        assertFalse(warning.contains("T0RAGBACK") || warning.contains("B0ROLLBACK") || warning.contains("/services/"), warning);
        assertFalse(warning.contains("127.0.0.1"), warning);
        assertFalse(warning.contains("\n"), warning);
    }

    @Test
    void sendsOneMessageWithTheRunbookTextAndEveryField() throws IOException {
        assertNull(notifier(SHIPPED_TEMPLATE).notify(FAILED_RUN));

        assertEquals(1, received.size());
        Received request = received.get(0);
        assertEquals("POST", request.method());
        assertEquals("application/json; charset=utf-8", request.contentType());
        String text = textOf(request);
        assertTrue(text.startsWith("🚨 ROLLBACK AUTOMÁTICO EJECUTADO - RAG Pipeline\n"), text);
        for (String value : List.of("rollback_1764300000", "faithfulness_drop", "*Outcome:* failed", "*Failed step:* restore",
                "3m 10s", "20251128T031500Z-golden", "v1.4.2", "rag-prod-2", "2025-11-28T03:15:00Z")) {
            assertTrue(text.contains(value), value + " missing from:\n" + text);
        }
        assertFalse(request.body().contains("{{"), request.body());
    }

    @Test
    void valuesAreEscapedForJsonAndCannotPingTheChannel() throws IOException {
        RollbackNotice odd = new RollbackNotice("rollback_1", "manual", "failed", "eval \"faithfulness\"\n0.61 <!channel> & co",
                null, "", null, null, null);
        assertNull(notifier(SHIPPED_TEMPLATE).notify(odd));

        String text = textOf(received.get(0));
        assertTrue(text.contains("*Failed step:* eval \"faithfulness\"\n0.61 &lt;!channel&gt; &amp; co\n"), text);
        assertTrue(text.contains("*Duration:* -\n*Snapshot:* -\n"), "missing values show as '-':\n" + text);
    }

    @Test
    void fiveHundredTwiceIsAWarningNotAnExceptionAndNamesNoSecret() {
        answer(new Answer(500, null, "internal_error", false), new Answer(500, null, "internal_error", false));
        SlackWebhookNotifier notifier = notifier(SHIPPED_TEMPLATE);
        String warning = notifier.notify(FAILED_RUN);

        assertEquals("Slack notification failed: the Slack webhook answered 500: 'internal_error' (2 tries)", warning);
        assertEquals(2, received.size());
        assertNoSecret(warning);
        assertNoSecret(notifier.describe());
        assertNoSecret(notifier.toString());
    }

    @Test
    void oneFiveHundredThenSuccessIsSent() {
        answer(Answer.status(503));
        assertNull(notifier(SHIPPED_TEMPLATE).notify(FAILED_RUN));
        assertEquals(2, received.size());
        assertEquals(received.get(0).body(), received.get(1).body());
    }

    @Test
    void aHangIsAWarningAfterTheTimeout() {
        answer(new Answer(200, null, "ok", true), new Answer(200, null, "ok", true));
        String warning = new SlackWebhookNotifier(webhook(), SHIPPED_TEMPLATE, SHORT, NO_WAIT, Duration.ofSeconds(10)).notify(FAILED_RUN);

        assertEquals("Slack notification failed: no answer from the Slack webhook within 300ms (2 tries)", warning);
        assertNoSecret(warning);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterBeforeTheRetry() {
        answer(new Answer(429, "7", "rate_limited", false));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        SlackWebhookNotifier notifier = new SlackWebhookNotifier(webhook(), SHIPPED_TEMPLATE, TIMEOUT, NO_WAIT,
                SlackWebhookNotifier.MAX_RETRY_AFTER, waits::add);

        assertNull(notifier.notify(FAILED_RUN));
        assertEquals(2, received.size());
        assertEquals(List.of(Duration.ofSeconds(7)), waits, "one wait, as long as Retry-After said");
    }

    @Test
    void aHugeRetryAfterIsCapped() {
        answer(new Answer(429, "3600", "rate_limited", false));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        SlackWebhookNotifier notifier = new SlackWebhookNotifier(webhook(), SHIPPED_TEMPLATE, TIMEOUT, NO_WAIT,
                SlackWebhookNotifier.MAX_RETRY_AFTER, waits::add);

        assertNull(notifier.notify(FAILED_RUN));
        assertEquals(2, received.size());
        assertEquals(List.of(Duration.ofSeconds(10)), waits, "Retry-After: 3600 is capped at 10 s");
    }

    @Test
    void withoutAUsableRetryAfterTheRetryWaitsTheDefaultBackoff() {
        answer(new Answer(503, "Wed, 21 Oct 2015 07:28:00 GMT", "", false));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        SlackWebhookNotifier notifier = new SlackWebhookNotifier(webhook(), SHIPPED_TEMPLATE, TIMEOUT,
                SlackWebhookNotifier.DEFAULT_BACKOFF, SlackWebhookNotifier.MAX_RETRY_AFTER, waits::add);

        assertNull(notifier.notify(FAILED_RUN));
        assertEquals(List.of(Duration.ofSeconds(1)), waits);
    }

    @Test
    void anInterruptedWaitEndsWithoutTheRetry() {
        answer(new Answer(429, "2", "rate_limited", false));
        SlackWebhookNotifier notifier = new SlackWebhookNotifier(webhook(), SHIPPED_TEMPLATE, TIMEOUT, NO_WAIT,
                SlackWebhookNotifier.MAX_RETRY_AFTER, wait -> false);

        assertEquals("Slack notification failed: the Slack webhook answered 429: 'rate_limited'; interrupted before the retry",
                notifier.notify(FAILED_RUN));
        assertEquals(1, received.size());
    }

    @Test
    void aClientErrorIsNotRetried() {
        answer(new Answer(404, null, "no_service", false));
        String warning = notifier(SHIPPED_TEMPLATE).notify(FAILED_RUN);

        assertEquals("Slack notification failed: the Slack webhook answered 404: 'no_service' (check SLACK_WEBHOOK)", warning);
        assertEquals(1, received.size());
    }

    @Test
    void aClientErrorOnTheRetryIsReportedAfterTheFirstFailure() {
        answer(Answer.status(503), new Answer(400, null, "invalid_payload", false));
        String warning = notifier(SHIPPED_TEMPLATE).notify(FAILED_RUN);

        assertEquals("Slack notification failed: the Slack webhook answered 503; retry: the Slack webhook answered 400: "
                + "'invalid_payload' (check SLACK_WEBHOOK)", warning);
        assertEquals(2, received.size());
    }

    @Test
    void aClosedPortIsAWarningThatNamesNoSecret() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SlackWebhookNotifier notifier = new SlackWebhookNotifier(URI.create("http://127.0.0.1:" + closedPort + HOOK_PATH),
                SHIPPED_TEMPLATE, TIMEOUT, NO_WAIT, Duration.ofSeconds(10));
        String warning = notifier.notify(FAILED_RUN);

        // JDKs differ in whether the HttpClient's ConnectException carries "Connection refused"
        assertTrue("Slack notification failed: cannot connect to the Slack webhook: connection refused (2 tries)"
                .equalsIgnoreCase(warning), warning);
        assertNoSecret(warning);
    }

    @Test
    void withoutAWebhookNothingIsSent() {
        SlackWebhookNotifier notifier = new SlackWebhookNotifier(null, dir.resolve("never-read.json"));

        assertFalse(notifier.configured());
        assertNull(notifier.notify(FAILED_RUN));
        assertEquals("Slack not configured (SLACK_WEBHOOK unset)", notifier.describe());
        assertTrue(received.isEmpty());
    }

    @Test
    void aMissingTemplateStillSendsTheBuiltInMessageAndWarns() throws IOException {
        Path missing = dir.resolve("slack-rollback.json");
        String warning = notifier(missing).notify(FAILED_RUN);

        assertEquals("Slack notified with the built-in message because notify.template " + missing + " does not exist", warning);
        assertEquals(1, received.size());
        String text = textOf(received.get(0));
        assertTrue(text.startsWith("🚨 ROLLBACK AUTOMÁTICO EJECUTADO - RAG Pipeline\n"), text);
        assertTrue(text.contains("rollback_1764300000"), text);
    }

    @Test
    void aTemplateThatIsNotJsonAfterFillingInFallsBackToo() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"text\": {{run_id}}}");
        String warning = notifier(broken).notify(FAILED_RUN);

        assertTrue(warning.startsWith("Slack notified with the built-in message because notify.template " + broken
                + " is unusable: it is not valid JSON after filling in the placeholders (line 1"), warning);
        assertEquals(1, received.size());
        JsonNode body = json.readTree(received.get(0).body());
        assertTrue(body.path("text").asText().contains("rollback_1764300000"), body.toString());
    }
}
