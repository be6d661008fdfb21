package dev.ragback.cli;

import dev.ragback.app.RagbackException;

/** The exit codes of SPEC section 3, and the one place that maps failures to them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int RUNTIME_FAILURE = 1;
    /** Answered no at a confirmation prompt (nothing changed): like a failed step, the asked-for change did not happen. */
    public static final int DECLINED = RUNTIME_FAILURE;
    public static final int USAGE = 2;
    public static final int GATE_FAILED = 3;
    public static final int LOCKED = 4;
    public static final int INTEGRITY = 5;
    public static final int INTERRUPTED = 130;


    private ExitCodes() {
    }

    public static int of(RagbackException.Kind kind) {
        return switch (kind) {
            case USAGE, MALFORMED_INPUT, UNSUPPORTED -> USAGE;
            case EXTERNAL -> RUNTIME_FAILURE;
            case GATE -> GATE_FAILED;
            case LOCKED -> LOCKED;
            case INTEGRITY -> INTEGRITY;
            case INTERRUPTED -> INTERRUPTED;
            case DECLINED -> DECLINED;
        };
    }

    public static int of(Throwable failure) {
        return failure instanceof RagbackException e ? of(e.kind()) : RUNTIME_FAILURE;
    }
}
