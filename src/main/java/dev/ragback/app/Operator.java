package dev.ragback.app;

/**
 * Who runs ragback and where, for audit events.
 *
 * @param user login name
 * @param host host name
 */
public record Operator(String user, String host) {
}
