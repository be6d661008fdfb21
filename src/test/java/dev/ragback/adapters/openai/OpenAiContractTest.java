package dev.ragback.adapters.openai;

import dev.ragback.testing.judge.OpenAiContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator itself: it accepts well-formed bodies and rejects wrong ones, so a clean contract run means something. */
class OpenAiContractTest {
    private final OpenAiContract contract = OpenAiContract.load();

    private static final String REQUEST = """
            {"model": "qwen2.5:0.5b-instruct", "messages": [{"role": "system", "content": "be brief"},
             {"role": "user", "content": "Input: {}"}], "temperature": 0, "seed": 42, "max_tokens": 64,
             "response_format": {"type": "json_schema", "json_schema": {"name": "statements", "strict": true,
               "schema": {"type": "object"}}}}""";
    private static final String RESPONSE = """
            {"id": "chatcmpl-1", "object": "chat.completion", "created": 1764300000, "model": "m",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "{}", "refusal": null},
                          "logprobs": null, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}""";

    @Test
    void wellFormedBodiesPass() {
        assertEquals(java.util.List.of(), contract.requestProblems(REQUEST));
        assertEquals(java.util.List.of(), contract.requestProblems(REQUEST.replace("\"type\": \"json_schema\", \"json_schema\": "
                + "{\"name\": \"statements\", \"strict\": true,\n               \"schema\": {\"type\": \"object\"}}", "\"type\": \"json_object\"")));
        assertEquals(java.util.List.of(), contract.responseProblems(RESPONSE));
        assertEquals(java.util.List.of(), contract.errorProblems(
                "{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"requests\", \"param\": null, \"code\": null}}"));
    }

    @Test
    void wrongRequestsAreRejected() {
        assertFalse(contract.requestProblems(REQUEST.replace("\"messages\"", "\"prompt\"")).isEmpty(), "no messages");
        assertFalse(contract.requestProblems(REQUEST.replace("\"temperature\": 0", "\"temperature\": 3")).isEmpty(), "temperature > 2");
        assertFalse(contract.requestProblems(REQUEST.replace("\"role\": \"system\"", "\"role\": \"robot\"")).isEmpty(), "unknown role");
        assertFalse(contract.requestProblems(REQUEST.replace("\"max_tokens\": 64", "\"max_tokens\": \"64\"")).isEmpty(), "max_tokens as text");
        assertFalse(contract.requestProblems(REQUEST.replace("\"name\": \"statements\", ", "")).isEmpty(), "json_schema without name");
        assertFalse(contract.requestProblems(REQUEST.replace("\"type\": \"json_schema\"", "\"type\": \"xml\"")).isEmpty(),
                "unknown response_format type");
        assertFalse(contract.requestProblems(REQUEST.replace("\"messages\": [", "\"messages\": [], \"x\": [")).isEmpty(), "no message");
    }

    @Test
    void wrongResponsesAreRejected() {
        assertFalse(contract.responseProblems(RESPONSE.replace("\"choices\"", "\"options\"")).isEmpty(), "no choices");
        assertFalse(contract.responseProblems(RESPONSE.replace("\"finish_reason\": \"stop\"", "\"finish_reason\": \"done\"")).isEmpty(),
                "unknown finish_reason");
        assertFalse(contract.responseProblems(RESPONSE.replace("\"refusal\": null", "\"refusal\": 7")).isEmpty(), "refusal not text");
        assertFalse(contract.responseProblems(RESPONSE.replace("\"object\": \"chat.completion\"", "\"object\": \"completion\"")).isEmpty(),
                "wrong object");
        assertFalse(contract.responseProblems(RESPONSE.replace("\"logprobs\": null, ", "")).isEmpty(), "logprobs missing");
        assertTrue(contract.errorProblems("{\"error\": {\"message\": \"x\"}}").stream().anyMatch(p -> p.contains("type")),
                "an error without type, param and code");
    }
}
