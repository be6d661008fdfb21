package dev.ragback.testing.qdrant;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Qdrant's spec cut into slices, one per set of path templates a concrete path matches, each with
 * the component schemas those templates reach. The validator copies all of a spec's schemas for
 * every schema it checks against, so on the whole spec each check cost a copy of 400 schemas and a
 * JVM held hundreds of megabytes of them; a slice carries the few it needs. The rules are the spec's
 * own: nothing is left out that the matching operations refer to.
 */
final class ContractSlices {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA_REF = "#/components/schemas/";

    private final Path specFile;
    private final JsonNode spec;
    private final Map<String, Pattern> templates = new LinkedHashMap<>();
    private final Map<List<String>, OpenApiInteractionValidator> slices = new ConcurrentHashMap<>();
    private volatile OpenApiInteractionValidator whole;

    private ContractSlices(Path specFile, JsonNode spec) {
        this.specFile = specFile;
        this.spec = spec;
        spec.get("paths").fieldNames().forEachRemaining(t -> templates.put(t, templatePattern(t)));
    }

    static ContractSlices read(Path specFile) {
        try {
            return new ContractSlices(specFile, JSON.readTree(specFile.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + specFile, e);
        }
    }

    /**
     * The validator of the slice for {@code path}; the whole spec when no template matches or the
     * path is one whose matching the validator may normalise (a trailing or doubled slash).
     */
    OpenApiInteractionValidator validatorFor(String path) {
        List<String> matching = matchingTemplates(path);
        if (matching.isEmpty() || path.endsWith("/") && path.length() > 1 || path.contains("//")) {
            return whole();
        }
        return slices.computeIfAbsent(matching, this::build);
    }

    List<String> matchingTemplates(String path) {
        List<String> matching = new ArrayList<>();
        templates.forEach((template, pattern) -> {
            if (pattern.matcher(path).matches()) {
                matching.add(template);
            }
        });
        return matching;
    }

    /** The slice's spec as JSON: everything but paths and schemas as in the spec, those cut down. */
    String sliceSpec(List<String> templates) {
        ObjectNode slice = JSON.createObjectNode();
        spec.fields().forEachRemaining(field -> slice.set(field.getKey(), field.getValue()));
        ObjectNode paths = slice.putObject("paths");
        templates.forEach(t -> paths.set(t, spec.get("paths").get(t)));
        ObjectNode components = slice.putObject("components");
        spec.get("components").fields().forEachRemaining(field -> components.set(field.getKey(), field.getValue()));
        ObjectNode schemas = components.putObject("schemas");
        JsonNode allSchemas = spec.at("/components/schemas");
        for (String name : reachableSchemas(paths)) {
            schemas.set(name, allSchemas.get(name));
        }
        return slice.toString();
    }

    private OpenApiInteractionValidator build(List<String> templates) {
        return OpenApiInteractionValidator.createForInlineApiSpecification(sliceSpec(templates)).build();
    }

    /** The validator of the whole spec, made on first use. */
    OpenApiInteractionValidator whole() {
        OpenApiInteractionValidator current = whole;
        if (current == null) {
            synchronized (this) {
                current = whole;
                if (current == null) {
                    current = OpenApiInteractionValidator.createForSpecificationUrl(specFile.toUri().toString()).build();
                    whole = current;
                }
            }
        }
        return current;
    }

    private Set<String> reachableSchemas(JsonNode from) {
        Set<String> reached = new LinkedHashSet<>();
        Deque<JsonNode> todo = new ArrayDeque<>(List.of(from));
        JsonNode allSchemas = spec.at("/components/schemas");
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(SCHEMA_REF)) {
                String name = ref.asText().substring(SCHEMA_REF.length());
                if (allSchemas.has(name) && reached.add(name)) {
                    todo.push(allSchemas.get(name));
                }
            }
            node.elements().forEachRemaining(todo::push);
        }
        return reached;
    }

    /** {@code /collections/{collection_name}/points} as a pattern: a parameter is one non-empty segment. */
    private static Pattern templatePattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
