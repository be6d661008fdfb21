package dev.ragback.adapters.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.HttpProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdkHttpProbeTest {
    private static final Duration NO_WAIT = Duration.ofMillis(1);

    private HttpServer server;
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Integer status;
        synchronized (statuses) {
            status = statuses.isEmpty() ? 200 : statuses.poll();
        }
        byte[] body = "{\"status\": \"ok\"}".getBytes();
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
    }

    private void answer(Integer... codes) {
        synchronized (statuses) {
            statuses.addAll(java.util.List.of(codes));
        }
    }

    private static HttpProbe probe() {
        return new JdkHttpProbe(Duration.ofSeconds(5), NO_WAIT);
    }

    @Test
    void answersTheStatusOfAGet() {
        assertEquals(new HttpProbe.Answer(200, 1), probe().get(url()));
        answer(404);
        assertEquals(new HttpProbe.Answer(404, 1), probe().get(url()), "a 4xx is an answer, not a reason to retry");
        assertEquals(2, requests.get());
    }

    @Test
    void serverErrorsAreTriedAgainAndTheLastAnswerCounts() {
        answer(503, 502);
        assertEquals(new HttpProbe.Answer(200, 3), probe().get(url()));
        answer(500, 500, 500, 500);
        assertEquals(new HttpProbe.Answer(500, 3), probe().get(url()));
        assertEquals(6, requests.get());
    }

    @Test
    void noAnswerWithinTheTimeoutIsExternal() {
        delay = Duration.ofMillis(1500);
        RagbackException e = assertThrows(RagbackException.class,
                () -> new JdkHttpProbe(Duration.ofMillis(200), NO_WAIT).get(url()));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("no answer within 200ms (after 3 tries)"), e.getMessage());
    }

    @Test
    void refusedConnectionIsExternalAndTheUrlLosesItsCredentials() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/health?token=s3cret-token");
        RagbackException e = assertThrows(RagbackException.class, () -> probe().get(url));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("GET http://127.0.0.1:" + port + "/health?token=*** failed (after 3 tries)"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-token"), e.getMessage());
    }
}
