package dev.ragback.testing.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One request as the routes see it: the body is read only by the route that wants it, and only once. */
final class Request {
    private final String method;
    private final List<String> segments;
    private final String rawQuery;
    private final String contentType;
    private final InputStream body;
    private byte[] bytes;

    /**
     * @param segments the decoded path segments, e.g. {@code [collections, rag_main]}
     * @param rawQuery the raw query or {@code null}
     */
    Request(String method, List<String> segments, String rawQuery, String contentType, InputStream body) {
        this.method = method;
        this.segments = segments;
        this.rawQuery = rawQuery;
        this.contentType = contentType;
        this.body = body;
    }

    String method() {
        return method;
    }

    List<String> segments() {
        return segments;
    }

    String contentType() {
        return contentType;
    }

    /** The whole body; for the small JSON bodies only. */
    byte[] bytes() {
        if (bytes == null) {
            try {
                bytes = body.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }

    /** The body as a stream, for uploads. */
    InputStream stream() {
        return body;
    }

    /** The first value of a query parameter, decoded, or {@code null}. */
    String param(String name) {
        return param(rawQuery, name);
    }

    /** {@code wait} as Qdrant reads it: true unless it says false. */
    boolean waits() {
        return !"false".equals(param("wait"));
    }

    static String param(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
