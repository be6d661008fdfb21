package dev.ragback.testing.qdrant;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The HTTP side of the double: records, applies connection faults and auth, routes, and sends. */
final class HttpFront implements HttpHandler {
    // like Qdrant: the root and the probes stay open when an api key is configured
    private static final Set<String> OPEN_PATHS = Set.of("/", "/healthz", "/livez", "/readyz");

    /** Thrown out of the handler so the server closes the connection mid-answer. */
    private static final class ConnectionCut extends IOException {
        ConnectionCut(String why) {
            super(why);
        }
    }

    private final String apiKey;
    private final String readOnlyKey;
    private final Faults faults;
    private final QdrantRoutes routes;
    private final List<RecordedRequest> requests;

    HttpFront(String apiKey, String readOnlyKey, Faults faults, QdrantRoutes routes, List<RecordedRequest> requests) {
        this.apiKey = apiKey;
        this.readOnlyKey = readOnlyKey;
        this.faults = faults;
        this.routes = routes;
        this.requests = requests;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (faults.down()) {
                return; // a node that is down: nothing is recorded, nothing answers
            }
            URI uri = exchange.getRequestURI();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    headers(exchange)));
            if (faults.takeDrop()) {
                return; // closing before the headers are sent drops the connection
            }
            if (!pause(faults.delay())) {
                return;
            }
            Replies.Reply reply = answer(exchange, uri, body);
            body.transferTo(OutputStream.nullOutputStream()); // whatever the route left unread
            send(exchange, reply);
        } catch (ConnectionCut e) {
            throw e;
        } catch (IOException | UncheckedIOException e) {
            // the client gave up (e.g. its timeout fired during a delay): nobody left to answer
        } catch (RuntimeException e) {
            // a bug of the double: said loudly, or a test would only see a closed connection
            System.err.println("qdrant-double: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed:");
            e.printStackTrace();
            throw e;
        }
    }

    private Replies.Reply answer(HttpExchange exchange, URI uri, InputStream body) {
        int failure = faults.takeFailure();
        if (failure != 0) {
            return Replies.error(failure, "Service internal error: injected fault");
        }
        String path = uri.getRawPath();
        if (apiKey != null && !OPEN_PATHS.contains(path)) {
            String key = presentedKey(exchange);
            if (key == null) {
                return Replies.text(401, "Must provide an API key or an Authorization bearer token");
            }
            boolean readOnly = key.equals(readOnlyKey);
            if (!readOnly && !key.equals(apiKey)) {
                return Replies.text(401, "Invalid API key or JWT");
            }
            if (readOnly && !reads(exchange.getRequestMethod(), path)) {
                // a permission check inside the handler: JSON envelope, before an upload's body is spooled
                return Replies.error(403, "Forbidden: Global manage access is required");
            }
        }
        if (path.equals("/collections/aliases") && (faults.aliasChangesFail() || faults.aliasChanges().held())) {
            byte[] batch = readAll(body);
            boolean changes = new String(batch, java.nio.charset.StandardCharsets.UTF_8).contains("_alias\"");
            if (changes && faults.aliasChanges().held()) {
                faults.aliasChanges().await();
                return Replies.error(503, "Service unavailable: injected hang of the alias change");
            }
            if (changes && faults.takeAliasChangeFailure()) {
                return Replies.error(500, "Service internal error: injected alias failure");
            }
            body = new java.io.ByteArrayInputStream(batch);
        }
        if (path.endsWith("/snapshots/upload") && !faults.uploads().await()) {
            return Replies.error(503, "the double is closing");
        }
        Request request = new Request(exchange.getRequestMethod(), segments(path), uri.getRawQuery(),
                exchange.getRequestHeaders().getFirst("Content-Type"), body);
        return routes.route(request);
    }

    private static byte[] readAll(InputStream body) {
        try {
            return body.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String presentedKey(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("api-key");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).strip();
        }
        return key;
    }

    /** What a read-only key may do: every GET, and the reading POSTs on points. */
    private static boolean reads(String method, String path) {
        return method.equals("GET")
                || method.equals("POST") && path.matches("/collections/[^/]+/points(/count|/scroll|/query)?");
    }

    private static boolean pause(Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void send(HttpExchange exchange, Replies.Reply reply) throws IOException {
        if (reply == Replies.CUT) {
            throw new ConnectionCut("injected: the connection is lost before the answer");
        }
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        if (reply.file() != null) {
            try {
                sendFile(exchange, reply);
            } finally {
                if (reply.deleteFile()) {
                    Files.deleteIfExists(reply.file());
                }
            }
            return;
        }
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Streams a file with its full Content-Length, unless a download fault says otherwise. */
    private void sendFile(HttpExchange exchange, Replies.Reply reply) throws IOException {
        long size = Files.size(reply.file());
        Faults.Download fault = faults.takeDownload();
        exchange.sendResponseHeaders(reply.status(), size == 0 ? -1 : size);
        OutputStream out = exchange.getResponseBody();
        try (InputStream in = Files.newInputStream(reply.file())) {
            switch (fault) {
                case TRUNCATE -> {
                    copy(in, out, size / 2);
                    out.flush();
                    throw new ConnectionCut("injected truncated download");
                }
                case DROP -> {
                    copy(in, out, size / 3);
                    out.flush();
                    throw new ConnectionCut("injected connection drop");
                }
                case STALL -> {
                    copy(in, out, size / 2);
                    out.flush();
                    pause(faults.stall());
                }
                default -> {
                }
            }
            in.transferTo(out);
        }
        out.close();
    }

    private static void copy(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buffer = new byte[64 << 10];
        for (long left = count; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return Collections.unmodifiableMap(headers);
    }
}
