package dev.ragback.app.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares two schema dumps: {@link #normalise} keeps only what describes the schema, and
 * {@link #unified} prints the differences as a unified diff ({@code -} only before, {@code +}
 * only after, three lines of context).
 */
public final class SchemaDiff {
    private static final int CONTEXT = 3;
    // beyond this many cells of the comparison table, fall back to listing the differing lines
    private static final long MAX_CELLS = 4_000_000L;

    private SchemaDiff() {
    }

    /**
     * The dump's schema lines: without comments, SET and set_config lines, psql meta-commands
     * (pg_dump's {@code \restrict} carries a random key), blank lines and trailing spaces.
     */
    public static List<String> normalise(String dump) {
        List<String> lines = new ArrayList<>();
        for (String raw : dump.split("\\R")) {
            String line = raw.stripTrailing();
            if (line.isBlank() || line.startsWith("--") || line.startsWith("SET ") || line.startsWith("\\")
                    || line.startsWith("SELECT pg_catalog.set_config(")) {
                continue;
            }
            lines.add(line);
        }
        return List.copyOf(lines);
    }

    /** The unified diff of two line lists with the two headers; empty when they are equal. */
    public static List<String> unified(List<String> before, List<String> after, String beforeName, String afterName) {
        if (before.equals(after)) {
            return List.of();
        }
        List<Edit> edits = edits(before, after);
        List<String> out = new ArrayList<>();
        out.add("--- " + beforeName);
        out.add("+++ " + afterName);
        for (int i = nextChange(edits, 0); i >= 0; ) {
            int last = i;
            while (true) {
                while (last + 1 < edits.size() && edits.get(last + 1).kind != ' ') {
                    last++;
                }
                int next = nextChange(edits, last + 1);
                if (next < 0 || next - last - 1 > 2 * CONTEXT) {
                    break;
                }
                last = next;
            }
            int from = Math.max(0, i - CONTEXT);
            int to = Math.min(edits.size() - 1, last + CONTEXT);
            out.add(header(edits, from, to));
            for (int k = from; k <= to; k++) {
                out.add(edits.get(k).kind + edits.get(k).line);
            }
            i = nextChange(edits, to + 1);
        }
        return List.copyOf(out);
    }

    private record Edit(char kind, String line, int beforeLine, int afterLine) {
    }

    private static int nextChange(List<Edit> edits, int from) {
        for (int k = from; k < edits.size(); k++) {
            if (edits.get(k).kind != ' ') {
                return k;
            }
        }
        return -1;
    }

    private static String header(List<Edit> edits, int from, int to) {
        int beforeStart = 0;
        int afterStart = 0;
        int beforeCount = 0;
        int afterCount = 0;
        for (int k = from; k <= to; k++) {
            Edit e = edits.get(k);
            if (e.kind != '+') {
                beforeStart = beforeCount++ == 0 ? e.beforeLine : beforeStart;
            }
            if (e.kind != '-') {
                afterStart = afterCount++ == 0 ? e.afterLine : afterStart;
            }
        }
        return "@@ -" + range(beforeStart, beforeCount, edits, from, true) + " +"
                + range(afterStart, afterCount, edits, from, false) + " @@";
    }

    private static String range(int start, int count, List<Edit> edits, int from, boolean before) {
        if (count == 0) {
            // an empty side names the line just before the hunk, as diff -u does
            Edit first = edits.get(from);
            return (before ? first.beforeLine : first.afterLine) - 1 + ",0";
        }
        return start + "," + count;
    }

    /** The edit script from a longest common subsequence of the lines between a shared prefix and suffix. */
    private static List<Edit> edits(List<String> a, List<String> b) {
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<Edit> edits = new ArrayList<>();
        for (int k = 0; k < prefix; k++) {
            edits.add(new Edit(' ', a.get(k), k + 1, k + 1));
        }
        List<String> midA = a.subList(prefix, a.size() - suffix);
        List<String> midB = b.subList(prefix, b.size() - suffix);
        if ((long) (midA.size() + 1) * (midB.size() + 1) > MAX_CELLS) {
            for (int k = 0; k < midA.size(); k++) {
                edits.add(new Edit('-', midA.get(k), prefix + k + 1, prefix + 1));
            }
            for (int k = 0; k < midB.size(); k++) {
                edits.add(new Edit('+', midB.get(k), prefix + midA.size() + 1, prefix + k + 1));
            }
        } else {
            middle(midA, midB, prefix, edits);
        }
        for (int k = suffix; k > 0; k--) {
            edits.add(new Edit(' ', a.get(a.size() - k), a.size() - k + 1, b.size() - k + 1));
        }
        return edits;
    }

    private static void middle(List<String> a, List<String> b, int offset, List<Edit> edits) {
        int n = a.size();
        int m = b.size();
        int[][] common = new int[n + 1][m + 1];
        for (int x = n - 1; x >= 0; x--) {
            for (int y = m - 1; y >= 0; y--) {
                common[x][y] = a.get(x).equals(b.get(y)) ? common[x + 1][y + 1] + 1
                        : Math.max(common[x + 1][y], common[x][y + 1]);
            }
        }
        int x = 0;
        int y = 0;
        while (x < n || y < m) {
            if (x < n && y < m && a.get(x).equals(b.get(y))) {
                edits.add(new Edit(' ', a.get(x), offset + x + 1, offset + y + 1));
                x++;
                y++;
            } else if (x < n && (y == m || common[x + 1][y] >= common[x][y + 1])) {
                edits.add(new Edit('-', a.get(x), offset + x + 1, offset + y + 1));
                x++;
            } else {
                edits.add(new Edit('+', b.get(y), offset + x + 1, offset + y + 1));
                y++;
            }
        }
    }
}
