package dev.ragback.app.port;

import java.util.List;
import java.util.Map;

/**
 * Where a judge-mode evaluation writes every exchange it had, so that a score can be audited:
 * one JSON object per line, the lines of one query together.
 */
public interface EvalTranscript extends AutoCloseable {

    /** Appends these lines together (one query's, or the run's header). */
    void write(List<Map<String, Object>> lines);

    /** Where the lines go, as the user should look for them. */
    String location();

    /** Flushes and closes; failures are not thrown (the evaluation's verdict stands without its transcript). */
    @Override
    void close();
}
