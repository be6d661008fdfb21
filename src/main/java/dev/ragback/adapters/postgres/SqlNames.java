package dev.ragback.adapters.postgres;

import java.util.StringJoiner;

/** SQL identifiers from configuration, quoted so they can never become SQL. */
final class SqlNames {
    private SqlNames() {
    }

    /** {@code rag_chunks} becomes {@code "rag_chunks"}; {@code public.t} becomes {@code "public"."t"}. */
    static String quoted(String name) {
        StringJoiner joined = new StringJoiner(".");
        for (String part : name.split("\\.", -1)) {
            joined.add('"' + part.replace("\"", "\"\"") + '"');
        }
        return joined.toString();
    }
}
