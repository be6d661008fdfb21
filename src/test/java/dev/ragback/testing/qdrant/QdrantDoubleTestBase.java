package dev.ragback.testing.qdrant;

import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fresh double per test, and calls whose answers are checked against Qdrant's openapi.json. */
abstract class QdrantDoubleTestBase {
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    QdrantDouble qdrant;

    @BeforeEach
    void start() {
        qdrant = new QdrantDouble();
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    /** Sends a JSON request; the answer must have {@code expectedStatus} and validate against the contract. */
    HttpResponse<String> valid(String method, String pathAndQuery, String body, int expectedStatus) throws Exception {
        return expect(method, pathAndQuery, send(qdrant, method, pathAndQuery, body), expectedStatus);
    }

    /** Uploads {@code file} as the multipart part {@code snapshot}; the answer is checked like {@link #valid}. */
    HttpResponse<String> validUpload(String collection, Path file, String query, int expectedStatus) throws Exception {
        String pathAndQuery = "/collections/" + collection + "/snapshots/upload" + (query == null ? "" : "?" + query);
        return expect("POST", pathAndQuery, upload(qdrant, pathAndQuery, "snapshot", file), expectedStatus);
    }

    static HttpResponse<String> expect(String method, String pathAndQuery, HttpResponse<String> response,
                                       int expectedStatus) {
        assertEquals(expectedStatus, response.statusCode(), () -> method + " " + pathAndQuery + ": " + response.body());
        assertValid(method, pathAndQuery.replaceFirst("\\?.*$", ""), response);
        return response;
    }

    static void assertValid(String method, String path, HttpResponse<String> response) {
        ValidationReport report = QdrantContract.validate(method, path, response);
        assertFalse(report.hasErrors(), () -> method + " " + path + " " + response.statusCode() + " "
                + response.body() + "\n" + QdrantContract.describe(report));
    }

    static void assertInvalid(ValidationReport report) {
        assertTrue(report.hasErrors(), "the validator accepted a body that breaks the contract");
    }

    static HttpResponse<String> send(QdrantDouble target, String method, String pathAndQuery, String body,
                                     String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url().resolve(pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A streamed multipart/form-data upload of one file part, as a client library sends it. */
    static HttpResponse<String> upload(QdrantDouble target, String pathAndQuery, String part, Path file)
            throws IOException, InterruptedException {
        return upload(target.url(), pathAndQuery, part, file);
    }

    static HttpResponse<String> upload(URI base, String pathAndQuery, String part, Path file)
            throws IOException, InterruptedException {
        String boundary = "----ragback-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail)))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Replies.JSON.readTree(response.body());
    }

    static String error(HttpResponse<String> response) throws IOException {
        JsonNode error = json(response).at("/status/error");
        assertTrue(error.isTextual(), response.body());
        return error.asText();
    }
}
