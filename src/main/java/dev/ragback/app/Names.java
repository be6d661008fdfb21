package dev.ragback.app;

import java.text.Normalizer;

/**
 * Checks names that come from outside (snapshot ids, snapshot names, collections, versions,
 * reasons) before they touch a path or a URL.
 */
public final class Names {
    private static final int MAX_LENGTH = 255;
    // slashes with no compatibility mapping to '/' or '\\': shown to an operator they read as a path
    private static final String SEPARATOR_LOOKALIKES = "\u2044\u2215\u2216\u29F8\u29F9";

    private Names() {
    }

    /** Why {@code value} is not a safe name, or {@code null} when it is. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "it is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        if (value.equals(".") || value.contains("..")) {
            return "it contains '..'";
        }
        if (!Normalizer.isNormalized(value, Normalizer.Form.NFKC)) {
            return "it contains a look-alike character (a fullwidth or compatibility form)";
        }
        for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
            int c = value.codePointAt(i);
            if (c == '/' || c == '\\') {
                return "it contains a path separator";
            }
            if (SEPARATOR_LOOKALIKES.indexOf(c) >= 0) {
                return "it contains a look-alike of a path separator";
            }
            if (Character.isSurrogate((char) c)) {
                return "it is not valid text (a lone surrogate)";
            }
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                return "it contains a control character";
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return "it contains white space";
            }
        }
        return null;
    }

    /** Returns {@code value} when it is a safe name; otherwise fails with a usage error naming {@code what}. */
    public static String require(String what, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw RagbackException.usage(what + " '" + printable(value) + "' is not allowed: " + problem);
        }
        return value;
    }

    /** The value with control, format (bidi, zero-width) and odd space characters escaped and cut to a readable length, for messages. */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 80; i++) {
            char c = value.charAt(i);
            boolean hidden = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) || (Character.isSpaceChar(c) && c != ' ');
            sb.append(hidden ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > 80 ? sb + "…" : sb.toString();
    }
}
