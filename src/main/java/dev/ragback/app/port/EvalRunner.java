package dev.ragback.app.port;

/**
 * Runs an answer-quality evaluator (RAGAS or similar) over a number of queries and hands back what
 * it produced, unparsed. Reading the scores is the use case's job.
 */
public interface EvalRunner {

    /**
     * What the evaluator produced.
     *
     * @param text   the evaluator's output, as text (may be empty)
     * @param source where the text came from, for messages: {@code "stdout"} or {@code "{output} file"} (read after "the evaluator's")
     */
    record Output(String text, String source) {
    }

    /**
     * Runs the evaluator for {@code queries} queries and waits for it. Fails with a
     * {@link dev.ragback.app.RagbackException} of kind EXTERNAL when it cannot start, exits
     * non-zero or outlives its timeout (it is then killed, child processes included), and of kind
     * INTERRUPTED when the wait is interrupted.
     */
    Output run(int queries);

    /** What runs, for messages and logs: the program, never a secret. */
    String describe();
}
