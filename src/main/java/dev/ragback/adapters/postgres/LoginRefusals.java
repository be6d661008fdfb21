package dev.ragback.adapters.postgres;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A refused login is said once per run: the first failure quotes the server, the later ones (TaskDB,
 * the lock, the journal, the next check) point back at it. One run per JVM, or reset by the next one.
 */
public final class LoginRefusals {
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private LoginRefusals() {
    }

    /** Forgets the refusals of an earlier run (tests run several in one JVM). */
    public static void startRun() {
        SAID.clear();
    }

    /** True the first time this server and user are refused in this run. */
    static boolean firstFor(PostgresConnection connection) {
        return SAID.add(connection.describe() + " as " + connection.user());
    }
}
