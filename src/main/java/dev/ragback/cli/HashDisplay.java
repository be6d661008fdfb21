package dev.ragback.cli;

import java.util.regex.Pattern;

/** A person compares the first characters of a hash: full sha256 hashes only with -v or in --json. */
final class HashDisplay {
    static final int SHOWN = 12;
    private static final Pattern SHA256 = Pattern.compile("\\b([0-9a-fA-F]{" + SHOWN + "})[0-9a-fA-F]{" + (64 - SHOWN) + "}\\b");

    private HashDisplay() {
    }

    static String forPerson(Session session, String text) {
        return text == null || session.verbosity() >= 1 || session.json() ? text : SHA256.matcher(text).replaceAll("$1…");
    }
}
