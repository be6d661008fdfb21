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
 * Qdrant's published REST contract ({@code openapi.json}, v1.19.0) as a request and response validator.
 * A call is checked by a validator of the spec cut down to the path templates that match it and the
 * schemas they reach ({@link ContractSlices}), made once per JVM for each such cut and shared.
 */
public final class QdrantContract {
    public static final String SPEC_PROPERTY = "ragback.qdrant.openapi";

    private static volatile ContractSlices slices;

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

    /** The validator for calls to {@code path}: the whole spec's rules for the operations that path can be. */
    static OpenApiInteractionValidator validator(String path) {
        ContractSlices current = slices;
        if (current == null) {
            synchronized (QdrantContract.class) {
                current = slices;
                if (current == null) {
                    current = ContractSlices.read(specFile());
                    slices = current;
                }
            }
        }
        return current.validatorFor(path);
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
        return validator(path).validateResponse(path, Request.Method.valueOf(method), response.build());
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
        return validator(split[0]).validateRequest(request.build());
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
