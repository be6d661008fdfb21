package dev.ragback.app;

import java.util.Optional;

/**
 * What the process is finishing and must not stop halfway (a restore after PostgreSQL's COMMIT), so
 * that a Ctrl-C arriving then is answered truthfully: finishing, not cleaning up.
 */
public final class PointOfNoReturn {
    private static volatile String finishing;

    private PointOfNoReturn() {
    }

    public static void enter(String what) {
        finishing = what;
    }

    public static void leave() {
        finishing = null;
    }

    /** What is being finished, e.g. "the restore of 20261204-071354"; empty before or after. */
    public static Optional<String> finishing() {
        return Optional.ofNullable(finishing);
    }
}
