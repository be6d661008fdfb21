package dev.ragback.app.port;

/**
 * Read-only health questions to a PostgreSQL database. Calls fail with a
 * {@link dev.ragback.app.RagbackException} of kind EXTERNAL naming host, port and database.
 */
public interface DatabaseProbe {

    /** Where this probe connects, for messages: {@code host:port/database} (never a password). */
    String describe();

    /** The server version, e.g. {@code 15.18}. Connecting is part of the question. */
    String serverVersion();

    /** True when a table of that name is visible on the search path. */
    boolean tableExists(String table);
}
