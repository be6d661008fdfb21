package dev.ragback.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.UncheckedIOException;

/**
 * The one way a --json document is written. Documents are records named for what they are: a component
 * is a key in snake_case ({@code durationMs} is {@code duration_ms}), in the record's order, null printed
 * as null; pretty-printed.
 */
final class JsonOutput {
    // built on the first --json document only: start-up stays lean without one
    private static final ObjectWriter WRITER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .writer()
            .with(SerializationFeature.INDENT_OUTPUT);

    private JsonOutput() {
    }

    static String render(Object document) {
        try {
            return WRITER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
