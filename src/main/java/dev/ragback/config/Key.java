package dev.ragback.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One configuration key: its dotted name, optional environment variable, default and parser.
 *
 * @param name        dotted name as written in the config file, e.g. {@code qdrant.url}
 * @param env         environment variable that sets it, or {@code null}
 * @param envOnly     true for secrets that may only come from the environment
 * @param secret      true when the value must be redacted wherever it is shown
 * @param defaultText the default as a user would write it, or {@code null} for none
 * @param parser      turns a YAML node or an env/flag string into the typed value
 * @param <T>         the value's type
 */
public record Key<T>(String name, String env, boolean envOnly, boolean secret, String defaultText,
                     ValueParser<T> parser) {

    /** Parses one raw value; throws {@link IllegalArgumentException} saying what was expected. */
    @FunctionalInterface
    public interface ValueParser<T> {
        T parse(JsonNode node);
    }
}
