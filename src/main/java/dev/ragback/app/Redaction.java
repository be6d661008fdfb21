package dev.ragback.app;

import java.util.regex.Pattern;

/** Removes credentials from URLs and texts before they are shown or logged. */
public final class Redaction {
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&;](?:password|api[-_]?key|token)=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/?#@\\s]*@");

    private Redaction() {
    }

    /** Replaces {@code password=}, {@code api_key=} and {@code token=} values and any {@code user:password@} with {@code ***}. */
    public static String redactUrl(String text) {
        if (text == null) {
            return "";
        }
        String withoutParameters = SECRET_PARAMETER.matcher(text).replaceAll("$1***");
        return USER_INFO.matcher(withoutParameters).replaceAll("//***@");
    }
}
