package dev.ragback.app.port;

/**
 * One hit of a top-k query.
 *
 * @param id    an unsigned integer ({@link Long}) or a UUID ({@link String})
 * @param score the store's score (similarity, or distance for Euclid/Manhattan)
 */
public record ScoredPoint(Object id, double score) {
}
