package dev.ragback.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.Names;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Value parsers for configuration keys. Each throws IllegalArgumentException saying what it expected. */
public final class Parsers {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern BYTE_SIZE = Pattern.compile("(\\d+)\\s*(KiB|MiB|GiB|B)?");

    private Parsers() {
    }

    static Key.ValueParser<String> text() {
        return node -> {
            String value = scalar(node);
            if (value.isBlank()) {
                throw new IllegalArgumentException("expected a non-empty text");
            }
            return value;
        };
    }

    static Key.ValueParser<String> name() {
        return node -> {
            String value = scalar(node);
            String problem = Names.problem(value);
            if (problem != null) {
                throw new IllegalArgumentException("expected a plain name (" + problem + ")");
            }
            return value;
        };
    }

    static Key.ValueParser<URI> httpUrl() {
        return node -> {
            String value = scalar(node);
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return uri;
                }
            } catch (java.net.URISyntaxException ignored) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("expected an http(s) URL such as http://localhost:6333");
        };
    }

    /** REST URLs: a YAML list, or one text with commas between them (the env form). */
    static Key.ValueParser<List<URI>> httpUrls() {
        Key.ValueParser<URI> one = httpUrl();
        return node -> {
            List<URI> urls = new ArrayList<>();
            if (node != null && node.isArray()) {
                for (JsonNode item : node) {
                    urls.add(one.parse(item));
                }
            } else {
                for (String part : scalar(node).split(",")) {
                    if (!part.isBlank()) {
                        urls.add(one.parse(com.fasterxml.jackson.databind.node.TextNode.valueOf(part.strip())));
                    }
                }
            }
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("expected the REST URL of every Qdrant peer, e.g. http://qdrant-0:6333,http://qdrant-1:6333");
            }
            return List.copyOf(urls);
        };
    }

    static Key.ValueParser<String> jdbcUrl() {
        return node -> {
            String value = scalar(node);
            if (!value.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("expected a JDBC URL starting with jdbc:postgresql:");
            }
            return value;
        };
    }

    static Key.ValueParser<Integer> integer(int min, int max) {
        return node -> {
            String value = scalar(node);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
        };
    }

    static Key.ValueParser<Double> decimal(double min, double max) {
        return node -> parseDecimal(scalar(node), min, max);
    }

    static Key.ValueParser<Boolean> bool() {
        return node -> {
            String value = scalar(node).toLowerCase(Locale.ROOT);
            if (value.equals("true") || value.equals("false")) {
                return Boolean.valueOf(value);
            }
            throw new IllegalArgumentException("expected true or false");
        };
    }

    /** A duration such as {@code 30s}, {@code 5m}, {@code 24h} (flags); fails USAGE otherwise. */
    public static Duration parseDuration(String flag, String text) {
        try {
            return duration().parse(com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
        } catch (IllegalArgumentException e) {
            throw dev.ragback.app.RagbackException.usage(flag + ": " + e.getMessage() + ", not '" + dev.ragback.app.Names.printable(text) + "'");
        }
    }

    static Key.ValueParser<Duration> duration() {
        return node -> {
            Matcher m = DURATION.matcher(scalar(node));
            if (!m.matches()) {
                throw new IllegalArgumentException("expected a duration such as 30s, 5m, 1h or 500ms");
            }
            try {
                long amount = Long.parseLong(m.group(1));
                Duration duration = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
                duration.toMillis(); // timeouts are used in milliseconds: one that does not fit is refused here
                return duration;
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("expected a duration such as 30s, 5m, 1h or 500ms, not one this long");
            }
        };
    }

    /** One of an enum's constants, written in lower case ({@link Setting#format} shows it so). */
    static <E extends Enum<E>> Key.ValueParser<E> oneOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        return node -> {
            String value = scalar(node);
            for (E constant : constants) {
                if (Setting.word(constant).equals(value)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ",
                    java.util.Arrays.stream(constants).map(Setting::word).toList()));
        };
    }

    /** One of these exact words, passed on as written (a value for another system, not a mode ragback switches on). */
    static Key.ValueParser<String> oneOfWords(String... words) {
        return node -> {
            String value = scalar(node);
            if (!java.util.List.of(words).contains(value)) {
                throw new IllegalArgumentException("expected one of " + String.join(", ", words));
            }
            return value;
        };
    }

    static Key.ValueParser<Path> path() {
        return node -> {
            String value = scalar(node);
            if (value.isBlank() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("expected a file path");
            }
            return Path.of(value);
        };
    }

    /** A JSON Pointer (RFC 6901) such as {@code /data/answer}; the empty pointer is the whole document. */
    static Key.ValueParser<String> jsonPointer() {
        return node -> {
            String value = scalar(node);
            if (!value.isEmpty() && !value.startsWith("/") || value.matches(".*~[^01].*|.*~$")) {
                throw new IllegalArgumentException("expected a JSON Pointer such as /answer or /data/contexts");
            }
            return value;
        };
    }

    /** {@code backups.dir}: a directory, or {@code s3://bucket[/prefix]}. */
    static Key.ValueParser<String> backupsLocation() {
        return node -> {
            String value = scalar(node);
            if (value.isBlank() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("expected a directory or s3://bucket/prefix");
            }
            if (value.regionMatches(true, 0, "s3:", 0, 3)
                    && !value.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^/\\s][^\\s]*?)?/?")) {
                throw new IllegalArgumentException("expected s3://bucket/prefix (a bucket name of 3-63 lower-case letters, "
                        + "digits, dots and dashes)");
            }
            return value;
        };
    }

    /** A byte size: {@code 64MiB}, {@code 8MiB}, {@code 1GiB} or plain bytes, within bounds. */
    static Key.ValueParser<Long> byteSize(long min, long max) {
        return node -> {
            String value = scalar(node).strip();
            Matcher m = BYTE_SIZE.matcher(value);
            if (!m.matches()) {
                throw new IllegalArgumentException("expected a size such as 64MiB");
            }
            long unit = m.group(2) == null || m.group(2).equals("B") ? 1 : switch (m.group(2)) {
                case "KiB" -> 1L << 10;
                case "MiB" -> 1L << 20;
                default -> 1L << 30;
            };
            long bytes = Long.parseLong(m.group(1)) * unit;
            if (bytes < min || bytes > max) {
                throw new IllegalArgumentException("expected a size from " + (min >> 20) + "MiB to " + (max >> 20) + "MiB");
            }
            return bytes;
        };
    }

    /** An argv list: a YAML list of strings, run without a shell. */
    static Key.ValueParser<List<String>> argv() {
        return node -> {
            if (node == null || !node.isArray() || node.isEmpty()) {
                throw new IllegalArgumentException("expected a non-empty list of arguments, e.g. [\"/usr/bin/tool\", \"{percent}\"]");
            }
            List<String> args = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode() || item.isNull()) {
                    throw new IllegalArgumentException("expected every argument to be a plain text");
                }
                args.add(item.asText());
            }
            return List.copyOf(args);
        };
    }

    /** Metric thresholds: a map of metric name to a score in 0..1. */
    static Key.ValueParser<Map<String, Double>> thresholds() {
        return node -> {
            if (node == null || !node.isObject() || node.isEmpty()) {
                throw new IllegalArgumentException("expected a map of metric to threshold, e.g. {faithfulness: 0.80}");
            }
            Map<String, Double> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getKey().matches("[a-z][a-z0-9_]*")) {
                    throw new IllegalArgumentException("expected metric names of [a-z0-9_], got '" + e.getKey() + "'");
                }
                out.put(e.getKey(), parseDecimal(scalar(e.getValue()), 0, 1));
            });
            return Collections.unmodifiableMap(out);
        };
    }

    /** Smoke HTTP checks: a list of {name, url, expect_status}. */
    static Key.ValueParser<List<HttpCheck>> httpChecks() {
        return node -> {
            if (node == null || !node.isArray()) {
                throw new IllegalArgumentException("expected a list of {name, url, expect_status}");
            }
            List<HttpCheck> checks = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isObject() || !item.has("name") || !item.has("url")) {
                    throw new IllegalArgumentException("expected every entry to have name and url");
                }
                item.fieldNames().forEachRemaining(field -> {
                    if (!Set.of("name", "url", "expect_status").contains(field)) {
                        throw new IllegalArgumentException("unknown field '" + field + "' in a smoke.http entry");
                    }
                });
                String checkName = name().parse(item.get("name"));
                URI url = httpUrl().parse(item.get("url"));
                int status = item.has("expect_status") ? integer(100, 599).parse(item.get("expect_status")) : 200;
                checks.add(new HttpCheck(checkName, url, status));
            }
            return List.copyOf(checks);
        };
    }

    private static double parseDecimal(String value, double min, double max) {
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("expected a number from " + min + " to " + max);
    }

    private static String scalar(JsonNode node) {
        if (node == null || node.isNull() || !node.isValueNode()) {
            throw new IllegalArgumentException("expected a single value, not a list or a map");
        }
        return node.asText().trim();
    }
}
