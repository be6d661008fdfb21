package dev.ragback.adapters.traffic;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpTrafficSwitchTest {
    private static final Duration NO_WAIT = Duration.ofMillis(1);

    /** One request as the endpoint saw it. */
    private record Seen(String method, String contentType, String body) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Deque<Integer> failures = new ArrayDeque<>();
    private volatile int percent = 100;
    private volatile String getBody;
    private volatile boolean hangs;
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/lb/traffic", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a hanging request must not hold up the next
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"), body));
        if (hangs) {
            try {
                release.await(); // an endpoint that never answers, until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        Integer failure;
        synchronized (failures) {
            failure = failures.poll();
        }
        if (failure != null) {
            reply(exchange, failure, "{\"error\": \"backend busy\"}");
        } else if (exchange.getRequestMethod().equals("PUT")) {
            percent = Integer.parseInt(body.replaceAll("\\D", ""));
            reply(exchange, 204, null);
        } else {
            reply(exchange, 200, getBody != null ? getBody : "{\"percent\": " + percent + ", \"pool\": \"rag\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/lb/traffic");
    }

    private HttpTrafficSwitch traffic() {
        return new HttpTrafficSwitch(url(), Duration.ofSeconds(5), NO_WAIT);
    }

    private void failNext(int... statuses) {
        synchronized (failures) {
            for (int status : statuses) {
                failures.add(status);
            }
        }
    }

    @Test
    void putSendsThePercentAsJsonAndGetReadsItBack() {
        HttpTrafficSwitch traffic = traffic();
        traffic.set(0);
        assertEquals(new Seen("PUT", "application/json", "{\"percent\": 0}"), seen.get(0));
        assertEquals(0, traffic.percent().getAsInt());
        assertEquals("GET", seen.get(1).method());
    }

    @Test
    void fiveHundredsAreRetriedUpToThreeTries() {
        failNext(503, 502);
        traffic().set(0);
        assertEquals(3, seen.size());
        assertEquals(0, percent);
    }

    @Test
    void anEndpointThatNeverAnswersTimesOutOnEachOfThreeTries() {
        hangs = true;
        HttpTrafficSwitch traffic = new HttpTrafficSwitch(url(), Duration.ofMillis(300), NO_WAIT);
        RagbackException failure = assertThrows(RagbackException.class, () -> traffic.set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("no answer to PUT within 300ms (after 3 tries)"), failure.getMessage());
        assertEquals(3, seen.size(), "each try reached the endpoint");
        assertEquals(100, percent);
    }

    @Test
    void threeFiveHundredsFailNamingTheStatusAndTheTries() {
        failNext(503, 503, 503);
        RagbackException failure = assertThrows(RagbackException.class, () -> traffic().set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("answered 503 to PUT (after 3 tries)"), failure.getMessage());
        assertEquals(3, seen.size());
        assertEquals(100, percent);
    }

    @Test
    void aClientErrorIsNotRetried() {
        failNext(400);
        RagbackException failure = assertThrows(RagbackException.class, () -> traffic().set(0));
        assertTrue(failure.getMessage().contains("answered 400 to PUT: '{\"error\": \"backend busy\"}'"), failure.getMessage());
        assertEquals(1, seen.size());
    }

    @Test
    void getRetriesToo() {
        failNext(500);
        assertEquals(100, traffic().percent().getAsInt());
        assertEquals(2, seen.size());
    }

    @Test
    void anAnswerWithoutAPercentFailsExternal() {
        for (String body : new String[] {"{}", "{\"percent\": 150}", "{\"percent\": \"50\"}", "{\"percent\": 5.5}", "not json"}) {
            getBody = body;
            RagbackException failure = assertThrows(RagbackException.class, () -> traffic().percent(), body);
            assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
            assertTrue(failure.getMessage().contains("answered GET without {\"percent\": 0..100}"), failure.getMessage());
        }
    }

    @Test
    void aClosedPortFailsAfterThreeTries() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HttpTrafficSwitch traffic = new HttpTrafficSwitch(URI.create("http://127.0.0.1:" + closedPort + "/t"), Duration.ofSeconds(5), NO_WAIT);
        RagbackException failure = assertThrows(RagbackException.class, () -> traffic.set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("PUT failed (after 3 tries)"), failure.getMessage());
    }

    @Test
    void credentialsInTheUrlAreNeverShown() {
        HttpTrafficSwitch traffic = new HttpTrafficSwitch(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/lb/traffic?token=s3cret-token"), Duration.ofSeconds(5), NO_WAIT);
        failNext(400);
        RagbackException failure = assertThrows(RagbackException.class, () -> traffic.set(0));
        assertFalse(failure.getMessage().contains("s3cret-token"), failure.getMessage());
        assertFalse(traffic.describe().contains("s3cret-token"), traffic.describe());
    }

    @Test
    void withoutAUrlItIsAConfigurationError() {
        RagbackException failure = assertThrows(RagbackException.class, () -> new HttpTrafficSwitch(null).set(0));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
    }
}
