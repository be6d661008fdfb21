package dev.ragback.app.port;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A chat model that answers in JSON (an OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp
 * server, LiteLLM, OpenAI). Asked with temperature 0 and a fixed seed, for the judge's stages.
 */
public interface ChatModel {

    /** One chat message: {@code system}, {@code user} or {@code assistant}. */
    record Message(String role, String content) {
    }

    /**
     * One completion to ask for.
     *
     * @param messages   the conversation so far
     * @param schemaName the name of the JSON Schema the answer must follow ({@code statements}, {@code verdicts})
     * @param schema     that schema (strict: every property required, no others)
     */
    record Prompt(List<Message> messages, String schemaName, JsonNode schema) {
        public Prompt {
            messages = List.copyOf(messages);
        }
    }

    /** Why the model stopped. LENGTH means the answer was cut at max_tokens. */
    enum Finish { STOP, LENGTH, OTHER }

    /**
     * The model's answer.
     *
     * @param content   the message text, as written (may be empty, may hold text around the JSON)
     * @param finish    why it stopped
     * @param exchanges every HTTP try this completion took, the last one answered
     */
    record Reply(String content, Finish finish, List<Exchange> exchanges) {
        public Reply {
            exchanges = List.copyOf(exchanges);
        }
    }

    /**
     * Asks for one completion before {@code deadline}. It asks for structured output with the
     * prompt's schema, or for plain JSON once the endpoint has refused that (remembered for the
     * rest of the run). Throws {@link Unanswered} when this completion failed (timeout, 429 or 5xx
     * after the retries, a refused request) and a {@link dev.ragback.app.RagbackException} EXTERNAL
     * when the endpoint cannot be used at all (unreachable, 401/403, 404).
     */
    Reply complete(Prompt prompt, Instant deadline);

    /** A one-token completion, for {@code doctor}: the model's reply; fails like {@link #complete}. */
    String probe(Duration timeout);

    /** The response format in use: {@code json_schema}, or {@code json_object} after a refusal. */
    String responseFormat();

    /** The model and the endpoint, for messages: never a key. */
    String describe();
}
