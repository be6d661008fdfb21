package dev.ragback.app;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads version strings such as PostgreSQL's {@code 15.18}. */
public final class Versions {
    private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d+)");

    /**
     * Semantic-version order for release and migration names: {@code v1.0.0 < v1.1.0 < v1.10.0}.
     * Numeric parts compare as numbers, other parts as text; a leading {@code v} is ignored.
     */
    public static final Comparator<String> SEMANTIC = Versions::compareSemantic;
    private static final Pattern PARTS = Pattern.compile("\\d+|[^\\d.\\-+]+");

    private Versions() {
    }

    private static int compareSemantic(String a, String b) {
        Matcher left = PARTS.matcher(a.startsWith("v") ? a.substring(1) : a);
        Matcher right = PARTS.matcher(b.startsWith("v") ? b.substring(1) : b);
        while (true) {
            boolean moreLeft = left.find();
            boolean moreRight = right.find();
            if (!moreLeft || !moreRight) {
                return moreLeft ? 1 : moreRight ? -1 : a.compareTo(b);
            }
            String x = left.group();
            String y = right.group();
            boolean numbers = Character.isDigit(x.charAt(0)) && Character.isDigit(y.charAt(0));
            int order = numbers ? new java.math.BigInteger(x).compareTo(new java.math.BigInteger(y)) : x.compareTo(y);
            if (order != 0) {
                return order;
            }
        }
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
