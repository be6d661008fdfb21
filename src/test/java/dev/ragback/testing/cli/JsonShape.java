package dev.ragback.testing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A JSON document's shape, written compactly so a test can pin it whole: every key in document order,
 * each value's type ({@code string}, {@code int}, {@code float}, {@code bool}, {@code null}), objects in
 * braces, arrays as the distinct shapes of their elements. {@code [{"a": 1, "b": null}, {"a": 2, "b": null}]}
 * is {@code [{a:int,b:null}]}. Values change from run to run; keys, their order, null against absent and
 * int against float do not.
 */
public final class JsonShape {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonShape() {
    }

    public static String of(String document) {
        try {
            return of(JSON.readTree(document));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + document, e);
        }
    }

    public static String of(JsonNode node) {
        if (node.isObject()) {
            List<String> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.add(field.getKey() + ":" + of(field.getValue()));
            }
            return "{" + String.join(",", fields) + "}";
        }
        if (node.isArray()) {
            List<String> elements = new ArrayList<>();
            node.forEach(element -> {
                String shape = of(element);
                if (!elements.contains(shape)) {
                    elements.add(shape);
                }
            });
            return "[" + String.join("|", elements) + "]";
        }
        if (node.isTextual()) {
            return "string";
        }
        if (node.isIntegralNumber()) {
            return "int";
        }
        if (node.isNumber()) {
            return "float";
        }
        if (node.isBoolean()) {
            return "bool";
        }
        if (node.isNull()) {
            return "null";
        }
        throw new IllegalArgumentException("unexpected JSON node " + node.getNodeType());
    }
}
