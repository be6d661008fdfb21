package dev.ragback.testing.qdrant;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A slice of Qdrant's spec checks a call exactly as the whole spec does, with far fewer schemas. */
class ContractSlicesTest {
    private static final ContractSlices SLICES = ContractSlices.read(QdrantContract.specFile());
    private static final OpenApiInteractionValidator WHOLE = SLICES.whole();

    @Test
    void aPathMatchesEveryTemplateItCouldBeSoTheValidatorStillChoosesAmongThem() {
        assertEquals(List.of("/collections/{collection_name}/points/{id}", "/collections/{collection_name}/points/count"),
                SLICES.matchingTemplates("/collections/rag/points/count"));
        assertEquals(List.of("/collections/{collection_name}/points/{id}"), SLICES.matchingTemplates("/collections/rag/points/7"));
        assertEquals(List.of(), SLICES.matchingTemplates("/collections/rag/points/7/extra"));
    }

    @Test
    void aSliceHoldsTheSchemasItsOperationsReachThroughOtherSchemasAndNoOthers() throws Exception {
        JsonNode slice = new ObjectMapper().readTree(SLICES.sliceSpec(List.of("/collections/{collection_name}/points/count")));
        JsonNode schemas = slice.at("/components/schemas");
        assertTrue(schemas.has("CountRequest") && schemas.has("Filter") && schemas.has("FieldCondition"), schemas.toString());
        assertFalse(schemas.has("CreateCollection"), "a schema no matching operation reaches is left out");
        assertEquals(1, slice.get("paths").size());
        assertTrue(slice.at("/components/securitySchemes").has("api-key"));
    }

    @Test
    void responsesGetTheWholeSpecsVerdictValidOrNot() {
        String ok = "{\"result\":{\"count\":3},\"status\":\"ok\",\"time\":0.1}";
        String countMissing = "{\"result\":{},\"status\":\"ok\",\"time\":0.1}";
        String countText = "{\"result\":{\"count\":\"three\"},\"status\":\"ok\",\"time\":0.1}";
        for (String body : List.of(ok, countMissing, countText)) {
            assertSameVerdict("/collections/rag/points/count", Request.Method.POST, 200, body);
        }
        assertSameVerdict("/collections/rag", Request.Method.GET, 404, "{\"status\":\"Not found\",\"time\":0.5}");
        assertSameVerdict("/aliases", Request.Method.GET, 200,
                "{\"result\":{\"aliases\":[{\"alias_name\":\"live\"}]},\"status\":\"ok\",\"time\":0.5}");
        assertFalse(messages(report("/collections/rag/points/count", Request.Method.POST, 200, countText, WHOLE)).isEmpty(),
                "the comparison means something only if the whole spec rejects some of these");
    }

    @Test
    void requestsGetTheWholeSpecsVerdictToo() {
        for (String body : List.of("{\"exact\":true}", "{\"exact\":\"yes\"}", "{\"filter\":{\"must\":[{\"key\":\"a\",\"match\":{\"value\":1}}]}}",
                "{\"filter\":{\"must\":[{\"key\":\"a\",\"match\":{\"nothing\":1}}]}}")) {
            SimpleRequest request = new SimpleRequest.Builder("POST", "/collections/rag/points/count")
                    .withContentType("application/json").withBody(body).build();
            assertEquals(messages(WHOLE.validateRequest(request)),
                    messages(SLICES.validatorFor("/collections/rag/points/count").validateRequest(request)), body);
        }
        SimpleRequest wrongType = new SimpleRequest.Builder("POST", "/collections/rag/points/count")
                .withContentType("application/json").withBody("{\"exact\":\"yes\"}").build();
        assertTrue(WHOLE.validateRequest(wrongType).hasErrors(), "the whole spec rejects some of these");
    }

    @Test
    void aPathNoTemplateMatchesIsCheckedByTheWholeSpec() {
        assertSame(SLICES.validatorFor("/no/such/path"), SLICES.validatorFor("/collections/rag/"));
        assertFalse(messages(report("/no/such/path", Request.Method.GET, 200, "{}", SLICES.validatorFor("/no/such/path"))).isEmpty());
    }

    private static void assertSameVerdict(String path, Request.Method method, int status, String body) {
        assertEquals(messages(report(path, method, status, body, WHOLE)),
                messages(report(path, method, status, body, SLICES.validatorFor(path))), path + " " + body);
    }

    private static ValidationReport report(String path, Request.Method method, int status, String body,
                                           OpenApiInteractionValidator validator) {
        return validator.validateResponse(path, method,
                SimpleResponse.Builder.status(status).withContentType("application/json").withBody(body).build());
    }

    private static List<String> messages(ValidationReport report) {
        return report.getMessages().stream().map(m -> m.getLevel() + " " + m.getKey() + ": " + m.getMessage()).toList();
    }
}
