package dev.ragback.app.history;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;

import java.time.Instant;
import java.util.regex.Pattern;

/** Rollback run ids, {@code rollback_<epoch seconds>} (SPEC section 8). */
public final class RunIds {
    public static final String PREFIX = "rollback_";
    private static final Pattern SHAPE = Pattern.compile(PREFIX + "[0-9]{1,18}");

    private RunIds() {
    }

    /** The id of a run started at {@code start}. */
    public static String of(Instant start) {
        return PREFIX + start.getEpochSecond();
    }

    public static boolean isRunId(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    /** Returns {@code value} when it is a safe name shaped {@code rollback_<digits>}; otherwise a usage error (exit 2). */
    public static String require(String value) {
        Names.require("run id", value);
        if (!isRunId(value)) {
            throw new RagbackException(RagbackException.Kind.USAGE,
                    "run id '" + Names.printable(value) + "' is not a rollback run id: expected rollback_<epoch seconds>",
                    "ragback history lists the runs, e.g. rollback_1764300000");
        }
        return value;
    }

    /** The start encoded in a run id, or {@code null} when {@code runId} is not one. */
    static Instant startOf(String runId) {
        return isRunId(runId) ? Instant.ofEpochSecond(Long.parseLong(runId.substring(PREFIX.length()))) : null;
    }
}
