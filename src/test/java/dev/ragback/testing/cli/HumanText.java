package dev.ragback.testing.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks the sizes and durations ragback prints for people ({@code 1.5 MiB}, {@code 0.8 s}, {@code 4m 05s}). */
public final class HumanText {
    /** A size as printed: whole bytes, or one decimal of a binary unit. */
    public static final String SIZE = "\\d+(?:\\.\\d)? (?:B|KiB|MiB|GiB|TiB)";
    /** A duration as printed (Durations.human): {@code 0.8 s}, {@code 12.3 s}, {@code 4m 05s}, {@code 2h 03m}. */
    public static final String DURATION = "(?:\\d+\\.\\d s|\\d+m \\d\\ds|\\d+h \\d\\dm)";

    private static final Pattern PARTS = Pattern.compile("(\\d+(?:\\.\\d)?) (B|KiB|MiB|GiB|TiB)");

    private HumanText() {
    }

    /** Asserts that {@code printed} (e.g. {@code 12.3 KiB}) is {@code bytes}, to the precision printed. */
    public static void assertSize(long bytes, String printed) {
        Matcher parts = PARTS.matcher(printed);
        assertTrue(parts.matches(), "not a size: '" + printed + "'");
        long unit = switch (parts.group(2)) {
            case "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L << 40;
        };
        assertTrue(bytes < 1024 || unit > 1, bytes + " bytes printed as '" + printed + "'");
        assertEquals(bytes, Double.parseDouble(parts.group(1)) * unit, 0.05 * unit, bytes + " bytes printed as '" + printed + "'");
    }
}
