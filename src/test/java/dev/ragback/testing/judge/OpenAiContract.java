package dev.ragback.testing.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.ragback.testing.cli.RagbackCli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The judge endpoint's contract: {@code ../shared/openai/chat-completions.openapi.json} (OpenAPI
 * 3.1, so JSON Schema 2020-12), loaded from there. Bodies are validated against its component
 * schemas: the whole document is the schema root, so its internal {@code $ref}s resolve.
 */
public final class OpenAiContract {
    public static final Path SPEC = RagbackCli.projectDir().resolve("../shared/openai/chat-completions.openapi.json").normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenAiContract loaded;

    private final Schema request;
    private final Schema response;
    private final Schema error;

    private OpenAiContract(JsonNode spec) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        this.request = component(registry, spec, "CreateChatCompletionRequest");
        this.response = component(registry, spec, "CreateChatCompletionResponse");
        this.error = component(registry, spec, "ErrorResponse");
    }

    /** Loaded once per test JVM. */
    public static synchronized OpenAiContract load() {
        if (loaded == null) {
            try {
                loaded = new OpenAiContract(JSON.readTree(SPEC.toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + SPEC, e);
            }
        }
        return loaded;
    }

    private static Schema component(SchemaRegistry registry, JsonNode spec, String name) {
        ObjectNode root = spec.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$ref", "#/components/schemas/" + name);
        return registry.getSchema(root);
    }

    /** Problems of a request body; empty when it is a valid CreateChatCompletionRequest. */
    public List<String> requestProblems(String body) {
        return problems(request, body);
    }

    /** Problems of a 200 body; empty when it is a valid CreateChatCompletionResponse. */
    public List<String> responseProblems(String body) {
        return problems(response, body);
    }

    /** Problems of an error body (429 and the others); empty when it is a valid ErrorResponse. */
    public List<String> errorProblems(String body) {
        return problems(error, body);
    }

    /**
     * Every request ragback sent to the fake judge and every answer the fake gave, checked: the
     * problems found (empty when all are valid); fails when the fake saw nothing.
     */
    public List<String> problems(FakeOpenAiServer server) {
        if (server.recorded().isEmpty()) {
            return List.of("the fake judge saw no request");
        }
        List<String> problems = new java.util.ArrayList<>();
        for (FakeOpenAiServer.Recorded exchange : server.recorded()) {
            requestProblems(exchange.requestBody()).forEach(p -> problems.add("request: " + p));
            (exchange.status() == 200 ? responseProblems(exchange.responseBody()) : errorProblems(exchange.responseBody()))
                    .forEach(p -> problems.add(exchange.status() + " response: " + p));
        }
        return problems.stream().distinct().toList();
    }

    private static List<String> problems(Schema schema, String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        return schema.validate(node).stream().map(Error::toString).toList();
    }
}
