package dev.ragback.app.files;

import java.util.Locale;

/** Recognises a full disk (or a quota or file size limit) among I/O failures, so it is reported as what it is. */
public final class DiskFull {
    private static final int MAX_CAUSES = 16;

    private DiskFull() {
    }

    /** True for the reason {@link #reason} gives for EFBIG, where freeing space does not help. */
    public static boolean fileSizeLimit(String reason) {
        return reason != null && reason.contains("ulimit -f");
    }

    /**
     * The reason in words when {@code failure} or one of its causes is ENOSPC, EDQUOT or EFBIG
     * (the JDK only gives the strerror text), else {@code null}.
     */
    public static String reason(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            String message = current.getMessage() == null ? "" : current.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("no space left on device")) {
                return "the disk is full (No space left on device)";
            }
            if (message.contains("disk quota exceeded")) {
                return "the disk quota is used up (Disk quota exceeded)";
            }
            if (message.contains("file too large")) {
                return "the file size limit was reached (File too large; see ulimit -f)";
            }
        }
        return null;
    }
}
