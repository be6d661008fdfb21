package dev.ragback.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The judge's two stages (RAGAS faithfulness): the instructions, the JSON Schema of the answer
 * (sent as structured output, and checked here again), and the shape described in words for
 * endpoints that only do plain JSON.
 */
enum JudgeStage {
    STATEMENTS("statements",
            "You prepare an answer for a faithfulness check. Read the question and the answer. Break every sentence "
                    + "of the answer into one or more short statements. Each statement is one complete claim that can "
                    + "be understood on its own: write out the noun instead of any pronoun (he, she, it, they, this, "
                    + "that). Keep to what the answer says; add nothing. If the answer makes no claim at all, return an "
                    + "empty list.",
            "{\"statements\": [\"<statement>\", …]}",
            """
            {"type": "object", "additionalProperties": false, "required": ["statements"],
             "properties": {"statements": {"type": "array", "items": {"type": "string"}}}}"""),
    VERDICTS("verdicts",
            "You check statements against a context. For each statement, decide whether it can be directly inferred "
                    + "from the context and nothing else: verdict 1 if it can, verdict 0 if it cannot, also when the "
                    + "context does not mention it. Give a one-sentence reason. Judge every statement, in the order "
                    + "given, and copy each statement word for word.",
            "{\"statements\": [{\"statement\": \"<statement>\", \"reason\": \"<reason>\", \"verdict\": 0 or 1}, …]}",
            """
            {"type": "object", "additionalProperties": false, "required": ["statements"],
             "properties": {"statements": {"type": "array", "items": {
               "type": "object", "additionalProperties": false, "required": ["statement", "reason", "verdict"],
               "properties": {"statement": {"type": "string"}, "reason": {"type": "string"},
                              "verdict": {"type": "integer", "enum": [0, 1]}}}}}}""");

    private final String schemaName;
    private final String instructions;
    private final String shape;
    private final JsonNode schema;

    JudgeStage(String schemaName, String instructions, String shape, String schema) {
        this.schemaName = schemaName;
        this.instructions = instructions;
        this.shape = shape;
        try {
            this.schema = new ObjectMapper().readTree(schema);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("built-in schema of " + schemaName + " is not JSON", e);
        }
    }

    String schemaName() {
        return schemaName;
    }

    JsonNode schema() {
        return schema;
    }

    /** The system message: the task, then the exact output expected. */
    String system() {
        return instructions + "\nReturn only one JSON object of this form, with no other text: " + shape;
    }

    /** The user message that follows an answer which did not match. */
    String repair(String problem) {
        return "Your output did not match the schema (" + problem + "). Return only one JSON object of this form, "
                + "with no other text: " + shape;
    }

    /** What is wrong with a parsed answer of this stage, or {@code null} when it has the shape the score needs. */
    String problem(JsonNode answer) {
        JsonNode list = answer.get("statements");
        if (list == null || !list.isArray()) {
            return "no \"statements\" list";
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (this == STATEMENTS && !item.isTextual()) {
                return "statements[" + i + "] is not a text";
            }
            // a verdict other than 0 or 1 is read (and scored as not supported); one that is not a number is not
            if (this == VERDICTS && !(item.isObject() && item.path("verdict").isNumber())) {
                return "statements[" + i + "] has no numeric \"verdict\"";
            }
        }
        return null;
    }
}
