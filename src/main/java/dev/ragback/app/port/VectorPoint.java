package dev.ragback.app.port;

/**
 * A point with the one vector ragback asked for.
 *
 * @param id     an unsigned integer ({@link Long}) or a UUID ({@link String}), as the store gives it
 * @param vector the vector's values
 */
public record VectorPoint(Object id, float[] vector) {
}
