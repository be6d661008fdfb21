package dev.ragback.testing.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A local HTTP endpoint that records what it receives: a stand-in for Slack and the Pushgateway. */
public final class Receiver implements AutoCloseable {

    /**
     * One request as received.
     *
     * @param query   raw query, or {@code null}
     * @param headers request headers as sent, names in lower case
     */
    public record Received(String method, String path, String body, String query, Map<String, List<String>> headers) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile Duration delay = Duration.ZERO;
    private volatile String delayedPaths = "/";

    public Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), exchange.getRequestURI().getRawQuery(), headers));
                if (!delay.isZero() && exchange.getRequestURI().getPath().startsWith(delayedPaths)) {
                    Thread.sleep(delay.toMillis());
                }
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public void answer(int status) {
        this.status = status;
    }

    public void delay(Duration delay) {
        delay("/", delay);
    }

    /** Answers to paths starting with {@code pathPrefix} wait {@code delay} first; the others answer at once. */
    public void delay(String pathPrefix, Duration delay) {
        this.delayedPaths = pathPrefix;
        this.delay = delay;
    }

    /** Every request so far, in arrival order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
