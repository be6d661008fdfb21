package dev.ragback.app.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.Quotes;
import dev.ragback.app.port.ChatModel;
import dev.ragback.app.port.Exchange;
import dev.ragback.app.port.RagService;
import dev.ragback.app.port.Unanswered;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RAGAS faithfulness for one query: the RAG service's answer is split into statements by the
 * judge, each statement is judged against the contexts (joined by newlines), and the score is the
 * verdicts of 1 over the verdicts returned. NaN, with the reason, when there is no answer, no
 * context, no statement or no verdict, or when the judge failed a stage twice.
 */
final class FaithfulnessJudge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUOTE = 80;

    private final RagService rag;
    private final ChatModel chat;

    FaithfulnessJudge(RagService rag, ChatModel chat) {
        this.rag = rag;
        this.chat = chat;
    }

    /** Scores one query; every exchange is added to {@code transcript}. */
    JudgedRow score(EvalDataset.Query query, Instant deadline, List<Map<String, Object>> transcript) {
        Log log = new Log(query.id(), transcript);
        RagService.Answer answer;
        try {
            answer = rag.ask(query.question(), deadline);
        } catch (Unanswered e) {
            log.exchanges("rag", e.exchanges());
            return JudgedRow.nan(query.id(), null, e.getMessage());
        }
        log.exchanges("rag", List.of(answer.exchange()));
        if (answer.answer().isBlank()) {
            return JudgedRow.nan(query.id(), null, "the RAG service gave an empty answer");
        }
        List<String> contexts = answer.contexts().stream().filter(c -> !c.isBlank()).toList();
        if (contexts.isEmpty()) {
            return JudgedRow.nan(query.id(), null, "the RAG service returned no contexts");
        }
        Integer found = null;
        try {
            ObjectNode input = JSON.createObjectNode().put("question", query.question()).put("answer", answer.answer());
            List<String> statements = new ArrayList<>();
            ask(JudgeStage.STATEMENTS, input, deadline, log).get("statements").forEach(s -> {
                if (!s.asText().isBlank()) {
                    statements.add(s.asText());
                }
            });
            if (statements.isEmpty()) {
                return JudgedRow.nan(query.id(), 0, "the judge found no statements in the answer");
            }
            found = statements.size();
            ObjectNode nli = JSON.createObjectNode().put("context", String.join("\n", contexts));
            statements.forEach(nli.putArray("statements")::add);
            JsonNode verdicts = ask(JudgeStage.VERDICTS, nli, deadline, log).get("statements");
            if (verdicts.isEmpty()) {
                return JudgedRow.nan(query.id(), statements.size(), "the judge returned no verdicts");
            }
            int supported = 0;
            for (JsonNode verdict : verdicts) {
                // only 1 is "can be inferred"; any other number counts against the answer (RAGAS counts any non-zero)
                if (verdict.get("verdict").asDouble() == 1.0) {
                    supported++;
                }
            }
            return new JudgedRow(query.id(), statements.size(), verdicts.size(), supported,
                    (double) supported / verdicts.size(), null);
        } catch (Unanswered e) {
            return JudgedRow.nan(query.id(), found, e.getMessage());
        }
    }

    /** One stage: the answer parsed and checked, after at most one repair request; Unanswered when both failed. */
    private JsonNode ask(JudgeStage stage, ObjectNode input, Instant deadline, Log log) {
        List<ChatModel.Message> messages = new ArrayList<>(List.of(new ChatModel.Message("system", stage.system()),
                new ChatModel.Message("user", "Input:\n" + input.toPrettyString())));
        String firstProblem = null;
        for (int round = 1; round <= 2; round++) {
            ChatModel.Reply reply;
            try {
                reply = chat.complete(new ChatModel.Prompt(messages, stage.schemaName(), stage.schema()), deadline);
            } catch (Unanswered e) {
                log.exchanges(stage.schemaName(), e.exchanges());
                throw new Unanswered(stage.schemaName() + ": " + e.getMessage(), List.of());
            }
            log.exchanges(stage.schemaName(), reply.exchanges());
            JsonNode parsed = reply.finish() == ChatModel.Finish.LENGTH ? null : JudgeReplies.firstObject(reply.content()).orElse(null);
            String problem = reply.finish() == ChatModel.Finish.LENGTH
                    ? "the output was cut off at eval.judge_max_tokens (finish_reason length)"
                    : parsed == null ? "the output is not JSON: " + quote(reply.content()) : stage.problem(parsed);
            if (problem == null) {
                return parsed;
            }
            if (firstProblem == null) {
                firstProblem = problem;
            }
            messages.add(new ChatModel.Message("assistant", reply.content() == null ? "" : reply.content()));
            messages.add(new ChatModel.Message("user", stage.repair(problem)));
            if (round == 2) {
                throw new Unanswered(stage.schemaName() + ": " + problem + (problem.equals(firstProblem) ? ", twice"
                        : ", after " + firstProblem), List.of());
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static String quote(String text) {
        return text == null || text.isBlank() ? "(empty)" : Quotes.oneLine(text, QUOTE);
    }

    /** One query's transcript lines: each HTTP try with its request and response, bodies parsed when they are JSON. */
    private record Log(String query, List<Map<String, Object>> lines) {
        void exchanges(String stage, List<Exchange> exchanges) {
            for (Exchange exchange : exchanges) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("query", query);
                line.put("stage", stage);
                line.put("request", body(exchange.request()));
                line.put("status", exchange.status());
                line.put("response", body(exchange.response()));
                if (exchange.failure() != null) {
                    line.put("failure", exchange.failure());
                }
                line.put("ms", exchange.millis());
                lines.add(line);
            }
        }

        private static Object body(String text) {
            if (text == null) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(text);
                return node == null ? text : node;
            } catch (JsonProcessingException e) {
                return text;
            }
        }
    }
}
