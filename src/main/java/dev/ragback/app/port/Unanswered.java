package dev.ragback.app.port;

import java.util.List;

/**
 * A question an outside service did not answer usefully this time (timeout, 5xx or 429 after the
 * retries, a body of the wrong shape). It fails one evaluated query, not the run: the query's
 * score becomes NaN with {@link #getMessage()} as the reason. Services that cannot be reached at
 * all fail the run instead, with a {@link dev.ragback.app.RagbackException}.
 */
public final class Unanswered extends RuntimeException {
    private final transient List<Exchange> exchanges;

    /** @param reason short, for the result table: {@code judge answered 503 after 4 tries} */
    public Unanswered(String reason, List<Exchange> exchanges) {
        super(reason, null, false, false);
        this.exchanges = List.copyOf(exchanges);
    }

    /** Every try made, for the audit file. */
    public List<Exchange> exchanges() {
        return exchanges;
    }
}
