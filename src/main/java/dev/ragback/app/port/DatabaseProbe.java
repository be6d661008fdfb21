package dev.ragback.app.port;

import java.util.List;

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

    /**
     * The names of the tables visible on the search path whose name starts with {@code prefix}
     * (taken literally: {@code _} and {@code %} are no wildcards), sorted.
     */
    List<String> tablesStartingWith(String prefix);

    /**
     * Live chunks per embedding model.
     *
     * @param modelId the {@code model_id}
     * @param chunks  rows not soft-deleted
     * @param docs    distinct {@code uri}s among them
     */
    record ModelCount(String modelId, long chunks, long docs) {
    }

    /**
     * SPEC section 4's counts: {@code SELECT model_id, count(*), count(DISTINCT uri) FROM <table>
     * WHERE deleted_at IS NULL GROUP BY model_id}, ordered by model_id.
     */
    List<ModelCount> chunkCounts(String table);
}
