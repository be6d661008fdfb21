package dev.ragback.cli;

/** ANSI colors for status words, used only when the session allows color. */
final class Styles {
    private Styles() {
    }

    static String status(Session session, String word) {
        if (!session.color()) {
            return word;
        }
        String code = switch (word) {
            case "ok", "pass" -> "32";
            case "warn", "skip" -> "33";
            default -> "31";
        };
        return "\u001b[" + code + "m" + word + "\u001b[0m";
    }
}
