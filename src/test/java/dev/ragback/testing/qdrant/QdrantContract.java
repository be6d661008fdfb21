package dev.ragback.testing.qdrant;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Qdrant's published REST contract ({@code openapi.json}, v1.19.0) as a response validator. Loading
 * it takes over a second, so it is built once per JVM and shared by every test that asks.
 */
public final class QdrantContract {
    public static final String SPEC_PROPERTY = "ragback.qdrant.openapi";

    private static volatile OpenApiInteractionValidator validator;

    private QdrantContract() {
    }

    /** Where the spec is looked for, first hit wins. */
    static List<Path> candidates() {
        String explicit = System.getProperty(SPEC_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return List.of(Path.of(explicit));
        }
        String projectDir = System.getProperty("ragback.project.dir", System.getProperty("user.dir"));
        return List.of(Path.of(projectDir).resolve("../shared/qdrant/openapi.json").normalize());
    }

    /** The spec file; fails (never skips) the calling test when it is nowhere to be found. */
    public static Path specFile() {
        return candidates().stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new AssertionError(
                "Qdrant's openapi.json not found; looked at " + candidates()
                        + " (set -D" + SPEC_PROPERTY + "=/path/to/openapi.json)"));
    }

    public static OpenApiInteractionValidator validator() {
        OpenApiInteractionValidator current = validator;
        if (current == null) {
            synchronized (QdrantContract.class) {
                current = validator;
                if (current == null) {
                    // no rule is relaxed: the double's answers must pass the spec as published
                    current = OpenApiInteractionValidator.createForSpecificationUrl(specFile().toUri().toString()).build();
                    validator = current;
                }
            }
        }
        return current;
    }

    /** Validates an answer against the operation {@code method path} (a concrete path, e.g. /collections/x). */
    public static ValidationReport validate(String method, String path, int status, String contentType, String body) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        if (contentType != null) {
            response.withContentType(contentType);
        }
        if (body != null && !body.isEmpty()) {
            response.withBody(body);
        }
        return validator().validateResponse(path, Request.Method.valueOf(method), response.build());
    }

    /**
     * Validates a request the double accepts against the operation {@code method pathAndQuery}: query
     * parameters, and a JSON body when given.
     */
    public static ValidationReport validateRequest(String method, String pathAndQuery, String jsonBody) {
        String[] split = pathAndQuery.split("\\?", 2);
        com.atlassian.oai.validator.model.SimpleRequest.Builder request =
                new com.atlassian.oai.validator.model.SimpleRequest.Builder(method, split[0]);
        if (split.length == 2) {
            for (String pair : split[1].split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(kv[0], kv.length == 2 ? kv[1] : "");
            }
        }
        if (jsonBody != null) {
            request.withContentType("application/json").withBody(jsonBody);
        }
        return validator().validateRequest(request.build());
    }

    public static ValidationReport validate(String method, String path, HttpResponse<String> response) {
        return validate(method, path, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body());
    }

    /** The report's messages, one a line, for assertion failures. */
    public static String describe(ValidationReport report) {
        return report.getMessages().stream()
                .map(m -> m.getLevel() + " " + m.getKey() + ": " + m.getMessage())
                .collect(Collectors.joining("\n"));
    }
}
