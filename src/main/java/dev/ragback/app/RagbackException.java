package dev.ragback.app;

/**
 * Every failure ragback reports to its user. The message says what failed; {@link #hint()} says
 * what to do next; {@link #kind()} decides the exit code (mapped once, in the CLI).
 */
public class RagbackException extends RuntimeException {

    /** What went wrong, from the user's point of view. */
    public enum Kind {
        /** Bad flags, arguments, or names from outside. */
        USAGE,
        /** Bad configuration, or a malformed input file (matrix, manifest, migrations). */
        MALFORMED_INPUT,
        /** A store ragback refuses to work on (a Qdrant cluster, a Qdrant too old): exit 2 without the usage lines. */
        UNSUPPORTED,
        /** An external system or a step failed at run time. */
        EXTERNAL,
        /** A gate failed: smoke, verify, eval, compat. */
        GATE,
        /** Another ragback run holds the lock. */
        LOCKED,
        /** Snapshot integrity: unknown id, no golden set, missing file, size or sha256 mismatch. */
        INTEGRITY,
        /** The user interrupted the run. */
        INTERRUPTED,
        /** The user answered no at a confirmation prompt: nothing changed. */
        DECLINED
    }

    private final Kind kind;
    private final String hint;

    public RagbackException(Kind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
    }

    public RagbackException(Kind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public RagbackException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public static RagbackException usage(String message) {
        return new RagbackException(Kind.USAGE, message);
    }

    public static RagbackException malformed(String message) {
        return new RagbackException(Kind.MALFORMED_INPUT, message);
    }

    public static RagbackException external(String message, String hint, Throwable cause) {
        return new RagbackException(Kind.EXTERNAL, message, hint, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** What the user should do next, or {@code null} when the message says it all. */
    public String hint() {
        return hint;
    }
}
