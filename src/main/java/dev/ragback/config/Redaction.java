package dev.ragback.config;

import java.util.regex.Pattern;

/** Removes credentials from values before they are shown. */
public final class Redaction {
    private static final Pattern URL_PASSWORD_PARAM =
            Pattern.compile("(?i)([?&;](?:password|api[-_]?key|token)=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(://[^/@:]*:)[^/@]*@");

    private Redaction() {
    }

    /** Redacts {@code password=...} parameters and {@code user:password@} userinfo in URLs. */
    public static String redactUrlSecrets(String text) {
        String redacted = URL_PASSWORD_PARAM.matcher(text).replaceAll("$1***");
        return URL_USERINFO.matcher(redacted).replaceAll("$1***@");
    }
}
