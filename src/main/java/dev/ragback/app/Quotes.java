package dev.ragback.app;

/** Quotes what an outside program or service said, for a one-line message. */
public final class Quotes {
    private Quotes() {
    }

    /** On one line, control characters as {@code ?}, cut at {@code max} characters with an ellipsis, in single quotes. */
    public static String oneLine(String text, int max) {
        String flat = text == null ? "" : text.strip().replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?");
        return "'" + (flat.length() > max ? flat.substring(0, max) + "…" : flat) + "'";
    }
}
