package dev.ragback.app.compat;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Markdown compatibility matrix (runbook section 8). A malformed row, an unknown status
 * word, or one triple listed twice with different statuses is an error naming the line.
 */
public final class MatrixParser {
    private static final List<String> COLUMNS = List.of("binary version", "schema version", "qdrant collection", "status");
    private static final Pattern STATUS_WORD = Pattern.compile("[A-Za-z]+");
    private static final Pattern SEPARATOR_CELL = Pattern.compile(":?-{3,}:?");

    public CompatMatrix parse(String text, String source) {
        List<CompatMatrix.Row> rows = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<Triple, CompatMatrix.Row> seen = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        int[] columnOrder = null;
        boolean separatorSeen = false;
        boolean tableEnded = false;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (!line.startsWith("|")) {
                tableEnded = columnOrder != null;
                continue;
            }
            if (tableEnded) {
                throw error(source, lineNo, "a second table; the matrix holds exactly one table");
            }
            List<String> cells = cells(line, source, lineNo);
            if (columnOrder == null) {
                columnOrder = header(cells, source, lineNo);
            } else if (!separatorSeen) {
                if (!cells.stream().allMatch(c -> SEPARATOR_CELL.matcher(c).matches())) {
                    throw error(source, lineNo, "expected the header separator row (| --- | --- | --- | --- |)");
                }
                separatorSeen = true;
            } else {
                CompatMatrix.Row row = row(cells, columnOrder, source, lineNo);
                CompatMatrix.Row earlier = seen.putIfAbsent(row.triple(), row);
                if (earlier != null && earlier.status() != row.status()) {
                    throw error(source, lineNo, "triple " + row.triple() + " is listed again with status " + row.status()
                            + " (line " + earlier.line() + " says " + earlier.status() + ")");
                }
                if (earlier != null) {
                    warnings.add(source + ":" + lineNo + ": " + row.triple() + " repeats line " + earlier.line());
                }
                rows.add(row);
            }
        }
        if (columnOrder == null) {
            throw error(source, 0, "no table found; expected | Binary Version | Schema Version | Qdrant Collection | Status |");
        }
        if (rows.isEmpty()) {
            warnings.add(source + ": the table has no rows; every triple is UNKNOWN");
        }
        return new CompatMatrix(source, List.copyOf(rows), List.copyOf(warnings));
    }

    private static List<String> cells(String line, String source, int lineNo) {
        String body = line.substring(1);
        if (!body.endsWith("|")) {
            throw error(source, lineNo, "a table row must end with |");
        }
        body = body.substring(0, body.length() - 1);
        List<String> cells = new ArrayList<>();
        for (String cell : body.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        if (cells.size() != COLUMNS.size()) {
            throw error(source, lineNo, "expected " + COLUMNS.size() + " cells, found " + cells.size());
        }
        return cells;
    }

    private static int[] header(List<String> cells, String source, int lineNo) {
        int[] order = new int[COLUMNS.size()];
        for (int column = 0; column < COLUMNS.size(); column++) {
            int index = cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList().indexOf(COLUMNS.get(column));
            if (index < 0) {
                throw error(source, lineNo, "header must name the columns Binary Version, Schema Version, Qdrant Collection, Status");
            }
            order[column] = index;
        }
        return order;
    }

    private static CompatMatrix.Row row(List<String> cells, int[] order, String source, int lineNo) {
        String binary = cells.get(order[0]);
        String schema = cells.get(order[1]);
        String collection = cells.get(order[2]);
        checkName(source, lineNo, "binary version", binary);
        checkName(source, lineNo, "schema version", schema);
        checkName(source, lineNo, "collection", collection);
        CompatStatus status = status(cells.get(order[3]), source, lineNo);
        return new CompatMatrix.Row(new Triple(binary, schema, Triple.matrixCollection(collection)), status, lineNo);
    }

    private static CompatStatus status(String cell, String source, int lineNo) {
        CompatStatus found = null;
        Matcher words = STATUS_WORD.matcher(cell);
        while (words.find()) {
            CompatStatus status = known(words.group());
            if (status == null) {
                throw error(source, lineNo, "unknown status '" + Names.printable(cell) + "'; expected OK, WARN or INCOMPATIBLE");
            }
            if (found != null && found != status) {
                throw error(source, lineNo, "status cell '" + Names.printable(cell) + "' names two statuses");
            }
            found = status;
        }
        if (found == null) {
            throw error(source, lineNo, "status cell is empty; expected OK, WARN or INCOMPATIBLE");
        }
        return found;
    }

    private static CompatStatus known(String word) {
        return switch (word.toUpperCase(Locale.ROOT)) {
            case "OK" -> CompatStatus.OK;
            case "WARN" -> CompatStatus.WARN;
            case "INCOMPATIBLE" -> CompatStatus.INCOMPATIBLE;
            default -> null;
        };
    }

    private static void checkName(String source, int lineNo, String what, String value) {
        String problem = Names.problem(value);
        if (problem != null) {
            throw error(source, lineNo, what + " '" + Names.printable(value) + "' is not allowed: " + problem);
        }
    }

    private static RagbackException error(String source, int lineNo, String message) {
        return new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                source + ":" + lineNo + ": " + message, "fix the line, then run: ragback compat lint");
    }
}
