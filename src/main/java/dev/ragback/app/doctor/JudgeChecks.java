package dev.ragback.app.doctor;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ChatModel;
import dev.ragback.app.port.RagService;
import dev.ragback.app.port.Unanswered;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * eval.mode judge's endpoints: the RAG service answers the dataset's first question with an answer
 * and contexts where the pointers say, and the judge gives a one-token completion.
 */
public final class JudgeChecks {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Supplier<RagService> rag;
    private final Supplier<ChatModel> judge;
    private final Supplier<String> sampleQuestion;
    private final Clock clock;

    /**
     * Each is built when its check runs, so that a key left unset fails that check instead of doctor.
     *
     * @param sampleQuestion the question the RAG service is asked (the dataset's first)
     */
    public JudgeChecks(Supplier<RagService> rag, Supplier<ChatModel> judge, Supplier<String> sampleQuestion, Clock clock) {
        this.rag = rag;
        this.judge = judge;
        this.sampleQuestion = sampleQuestion;
        this.clock = clock;
    }

    List<CheckResult> run() {
        return List.of(ragCheck(), judgeCheck());
    }

    CheckResult ragCheck() {
        RagService service = null;
        try {
            service = rag.get();
            RagService.Answer answer = service.ask(sampleQuestion.get(), clock.instant().plus(TIMEOUT));
            String detail = service.describe() + ": " + answer.contexts().size() + " contexts, answer of " + answer.answer().length()
                    + " characters";
            if (answer.contexts().isEmpty() || answer.answer().isBlank()) {
                return CheckResult.warn("rag_service", detail, "every query without contexts or answer is a NaN row: "
                        + "check eval.rag_answer_pointer and eval.rag_contexts_pointer against what the service returns");
            }
            return CheckResult.ok("rag_service", detail);
        } catch (Unanswered e) {
            return CheckResult.fail("rag_service", service.describe() + ": " + e.getMessage(),
                    "check eval.rag_url, eval.rag_answer_pointer and eval.rag_contexts_pointer");
        } catch (RagbackException e) {
            return CheckResult.fail("rag_service", e.getMessage(), e.hint() == null ? "check eval.rag_url" : e.hint());
        }
    }

    CheckResult judgeCheck() {
        try {
            ChatModel model = judge.get();
            String reply = model.probe(TIMEOUT);
            return CheckResult.ok("judge", model.describe() + " answered '" + reply.strip() + "' (one-token completion)");
        } catch (RagbackException e) {
            return CheckResult.fail("judge", e.getMessage(), e.hint() == null
                    ? "check eval.judge_url (…/v1), eval.judge_model and EVAL_JUDGE_API_KEY" : e.hint());
        }
    }
}
