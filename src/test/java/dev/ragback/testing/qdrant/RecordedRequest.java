package dev.ragback.testing.qdrant;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request the double received.
 *
 * @param method  HTTP method
 * @param path    raw path, without the query
 * @param query   raw query, or {@code null}
 * @param headers headers, names in lower case
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers) {

    /** The first value of a header, or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a query parameter, decoded, or {@code null}. */
    public String queryParam(String name) {
        return Request.param(query, name);
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }
}
