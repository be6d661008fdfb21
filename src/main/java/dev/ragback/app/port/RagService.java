package dev.ragback.app.port;

import java.time.Instant;
import java.util.List;

/** The RAG service under evaluation: it answers a question with the contexts it retrieved. */
public interface RagService {

    /**
     * The service's answer.
     *
     * @param answer   the answer text
     * @param contexts the retrieved contexts, in the order given (may be empty)
     * @param exchange the HTTP exchange that gave it, for the audit file
     */
    record Answer(String answer, List<String> contexts, Exchange exchange) {
        public Answer {
            contexts = List.copyOf(contexts);
        }
    }

    /**
     * Asks one question before {@code deadline}. Throws {@link Unanswered} when this question got
     * no usable answer (timeout, an error status, a body without the answer or contexts), and a
     * {@link dev.ragback.app.RagbackException} EXTERNAL naming the service when it cannot be
     * reached at all or refuses ragback (401/403/404).
     */
    Answer ask(String question, Instant deadline);

    /** The service's address, for messages: never a credential. */
    String describe();
}
