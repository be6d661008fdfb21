package dev.ragback.config;

import dev.ragback.app.Durations;
import dev.ragback.app.Redaction;

/**
 * One effective configuration value and where it came from.
 *
 * @param key    the key
 * @param value  the parsed value, or {@code null} when unset
 * @param source which layer supplied it
 * @param origin human-readable origin: {@code ops/ragback.yaml:12}, {@code env QDRANT_URL},
 *               {@code --set qdrant.url=...}, or {@code built-in}
 */
public record Setting(Key<?> key, Object value, Source source, String origin) {

    /** The value as shown to a user; secrets are redacted. */
    public String display() {
        if (value == null) {
            return "(not set)";
        }
        if (key.secret()) {
            return "(set, redacted)";
        }
        return Redaction.redactUrl(format(value));
    }

    /** Formats a value the way a user writes it in the config file. */
    static String format(Object value) {
        if (value instanceof java.time.Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.StringJoiner joined = new java.util.StringJoiner(", ", "{", "}");
            map.forEach((k, v) -> joined.add(k + ": " + v));
            return joined.toString();
        }
        if (value instanceof java.util.List<?> list) {
            java.util.StringJoiner joined = new java.util.StringJoiner(", ", "[", "]");
            list.forEach(item -> joined.add(item instanceof HttpCheck check
                    ? "{name: " + check.name() + ", url: " + check.url() + ", expect_status: " + check.expectStatus() + "}"
                    : "\"" + item + "\""));
            return joined.toString();
        }
        if (value instanceof Enum<?> constant) {
            return word(constant);
        }
        return String.valueOf(value);
    }

    /** An enum value as the config writes it: {@code TrafficMode.HTTP} is {@code http}. */
    static String word(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT);
    }
}
