package dev.ragback.app.compat;

import java.util.regex.Pattern;

/**
 * What the matrix relates: a binary (release) version, a schema version and a Qdrant collection.
 *
 * @param binary     release version, e.g. {@code v1.1.0}
 * @param schema     newest applied migration, e.g. {@code v1.1.0}
 * @param collection the real collection name
 */
public record Triple(String binary, String schema, String collection) {
    private static final Pattern RESTORED_SUFFIX = Pattern.compile("_r\\d{8}-\\d{6}(?:-\\d+)?(?:_\\d+)?$");

    /** The collection as the matrix knows it: ragback's restore suffix {@code _r<set id>} or {@code _r<set id>_<n>} removed. */
    public static String matrixCollection(String collection) {
        return RESTORED_SUFFIX.matcher(collection).replaceFirst("");
    }

    /** This triple with the collection as the matrix knows it. */
    public Triple normalised() {
        return new Triple(binary, schema, matrixCollection(collection));
    }

    @Override
    public String toString() {
        return "(" + binary + ", " + schema + ", " + collection + ")";
    }
}
