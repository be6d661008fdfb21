package dev.ragback.config;

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
        return Redaction.redactUrlSecrets(String.valueOf(value));
    }
}
