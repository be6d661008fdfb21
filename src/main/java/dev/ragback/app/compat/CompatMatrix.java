package dev.ragback.app.compat;

import java.util.List;
import java.util.Optional;

/**
 * The parsed compatibility matrix.
 *
 * @param source   where it was read from, for messages
 * @param rows     its rows in file order
 * @param warnings problems that do not make it invalid (a row repeated with the same status, no rows)
 */
public record CompatMatrix(String source, List<Row> rows, List<String> warnings) {

    /**
     * One row of the matrix.
     *
     * @param triple the versions and collection
     * @param status OK, WARN or INCOMPATIBLE
     * @param line   1-based line number in the source
     */
    public record Row(Triple triple, CompatStatus status, int line) {
    }

    /** The row for this triple (collection normalised), if listed. */
    public Optional<Row> find(Triple triple) {
        Triple wanted = triple.normalised();
        return rows.stream().filter(r -> r.triple().equals(wanted)).findFirst();
    }
}
