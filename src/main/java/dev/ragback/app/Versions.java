package dev.ragback.app;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads version strings such as PostgreSQL's {@code 15.18}. */
public final class Versions {
    private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d+)");

    private Versions() {
    }

    /** The major version: 15 for {@code 15.18}, 16 for {@code 16beta1}, 9 for the old {@code 9.6.24}. */
    public static int major(String version) {
        Matcher matcher = LEADING_NUMBER.matcher(version == null ? "" : version.trim());
        if (!matcher.find()) {
            throw new IllegalArgumentException("not a version: '" + version + "'");
        }
        return Integer.parseInt(matcher.group(1));
    }
}
