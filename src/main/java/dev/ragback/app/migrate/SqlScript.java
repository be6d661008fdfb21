package dev.ragback.app.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a migration script into statements at top-level semicolons, the way psql does: not
 * inside quotes, quoted identifiers, dollar quotes, comments, or the {@code BEGIN ... END} body of a
 * {@code CREATE FUNCTION/PROCEDURE}. Each statement remembers its line, so a failure can name it.
 */
public final class SqlScript {
    private static final Set<String> TRANSACTION_CONTROL = Set.of("begin", "start", "commit", "end", "abort", "rollback");

    /**
     * One statement of a script.
     *
     * @param number 1-based position in the script
     * @param line   the script's line where the statement starts, 1-based
     * @param text   the statement without its terminating semicolon
     */
    public record Statement(int number, int line, String text) {

        /** The script's line of a 1-based character position inside {@link #text()} (PostgreSQL's error position). */
        public int lineOf(int position) {
            int lines = line;
            for (int i = 0; i < Math.min(position - 1, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    lines++;
                }
            }
            return lines;
        }

        /** The statement on one line, cut to {@code max} characters, for messages. */
        public String oneLine(int max) {
            String flat = text.replaceAll("\\s+", " ").strip();
            return flat.length() > max ? flat.substring(0, max) + "…" : flat;
        }
    }

    private SqlScript() {
    }

    public static List<Statement> split(String sql) {
        return new Splitter(sql).run();
    }

    /**
     * Why the statement may not be part of a migration, or {@code null}: ragback wraps every
     * migration in one transaction, so the script must not end or start one itself.
     */
    public static String problem(Statement statement) {
        String first = statement.text().split("[\\s(;]+", 2)[0].toLowerCase(Locale.ROOT);
        if (TRANSACTION_CONTROL.contains(first)) {
            return "transaction control (" + first.toUpperCase(Locale.ROOT) + ") is not allowed: ragback runs each migration "
                    + "in one transaction with its schema_migrations row";
        }
        return null;
    }

    private static final class Splitter {
        private final String sql;
        private final List<Statement> statements = new ArrayList<>();
        private int i;
        private int line = 1;
        private int start = -1;
        private int startLine;
        private final List<String> firstWords = new ArrayList<>();
        private int parenDepth;
        private int beginDepth;
        private String lastWord = "";
        private int lastWordEnd = -1;

        Splitter(String sql) {
            this.sql = sql;
        }

        List<Statement> run() {
            int n = sql.length();
            while (i < n) {
                char c = sql.charAt(i);
                if (c == '-' && peek(1) == '-') {
                    while (i < n && sql.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '/' && peek(1) == '*') {
                    skipBlockComment();
                } else if (Character.isWhitespace(c)) {
                    advance();
                } else if (c == ';' && beginDepth == 0) {
                    finish(i);
                    i++;
                } else {
                    if (start < 0) {
                        start = i;
                        startLine = line;
                    }
                    token(c);
                }
            }
            finish(n);
            return List.copyOf(statements);
        }

        private void token(char c) {
            if (c == '\'') {
                boolean escapes = lastWordEnd == i && lastWord.equalsIgnoreCase("e");
                skipQuoted('\'', escapes);
            } else if (c == '"') {
                skipQuoted('"', false);
            } else if (c == '$' && !identifierPart(before()) && dollarTag() != null) {
                skipDollarQuoted(dollarTag());
            } else if (Character.isLetter(c) || c == '_') {
                word();
            } else {
                if (c == '(') {
                    parenDepth++;
                } else if (c == ')' && parenDepth > 0) {
                    parenDepth--;
                }
                advance();
            }
        }

        private void word() {
            int from = i;
            while (i < sql.length() && identifierPart(sql.charAt(i))) {
                i++;
            }
            lastWord = sql.substring(from, i);
            lastWordEnd = i;
            String lower = lastWord.toLowerCase(Locale.ROOT);
            if (firstWords.size() < 4) {
                firstWords.add(lower);
            }
            if (routine() && parenDepth == 0) {
                if (lower.equals("begin")) {
                    beginDepth++;
                } else if (lower.equals("case") && beginDepth > 0) {
                    beginDepth++;
                } else if (lower.equals("end") && beginDepth > 0) {
                    beginDepth--;
                }
            }
        }

        /** CREATE [OR REPLACE] FUNCTION|PROCEDURE, whose SQL-standard body may hold semicolons. */
        private boolean routine() {
            List<String> w = firstWords;
            if (w.size() < 2 || !w.get(0).equals("create")) {
                return false;
            }
            if (w.get(1).equals("function") || w.get(1).equals("procedure")) {
                return true;
            }
            return w.size() >= 4 && w.get(1).equals("or") && w.get(2).equals("replace")
                    && (w.get(3).equals("function") || w.get(3).equals("procedure"));
        }

        private void finish(int end) {
            if (start >= 0) {
                statements.add(new Statement(statements.size() + 1, startLine, sql.substring(start, end).strip()));
            }
            start = -1;
            firstWords.clear();
            parenDepth = 0;
            beginDepth = 0;
        }

        private void skipQuoted(char quote, boolean backslashEscapes) {
            advance();
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (backslashEscapes && c == '\\') {
                    advance();
                    if (i < sql.length()) {
                        advance();
                    }
                } else if (c == quote) {
                    advance();
                    if (peek(0) != quote) {
                        return;
                    }
                    advance();
                } else {
                    advance();
                }
            }
        }

        private void skipBlockComment() {
            int depth = 0;
            while (i < sql.length()) {
                if (sql.charAt(i) == '/' && peek(1) == '*') {
                    depth++;
                    i += 2;
                } else if (sql.charAt(i) == '*' && peek(1) == '/') {
                    depth--;
                    i += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    advance();
                }
            }
        }

        /** {@code $tag$} or {@code $$} starting at i, or null ({@code $1} is a parameter, not a quote). */
        private String dollarTag() {
            int j = i + 1;
            while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                if (j == i + 1 && Character.isDigit(sql.charAt(j))) {
                    return null;
                }
                j++;
            }
            return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
        }

        private void skipDollarQuoted(String tag) {
            int end = sql.indexOf(tag, i + tag.length());
            int stop = end < 0 ? sql.length() : end + tag.length();
            while (i < stop) {
                advance();
            }
        }

        private void advance() {
            if (sql.charAt(i) == '\n') {
                line++;
            }
            i++;
        }

        private char peek(int offset) {
            int at = i + offset;
            return at < sql.length() ? sql.charAt(at) : '\0';
        }

        private char before() {
            return i > 0 ? sql.charAt(i - 1) : '\0';
        }

        private static boolean identifierPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }
    }
}
