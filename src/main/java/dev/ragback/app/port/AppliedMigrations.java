package dev.ragback.app.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code schema_migrations} table of the RAG database (SPEC section 7). Calls fail with a
 * {@link dev.ragback.app.RagbackException} of kind EXTERNAL when the database cannot be reached.
 */
public interface AppliedMigrations {

    /**
     * One applied (or dirty) migration.
     *
     * @param version    e.g. {@code v1.1.0}
     * @param appliedAt  when it was applied
     * @param upSha256   sha256 of the up.sql that ran
     * @param downSha256 sha256 of its down.sql
     * @param downSql    the down.sql text, escrowed so it can run without the files
     * @param dirty      true when it failed half-way and needs attention
     */
    record Applied(String version, Instant appliedAt, String upSha256, String downSha256, String downSql,
                   boolean dirty) {
    }

    /** Every row, oldest version first (semantic-version order); empty when the table does not exist. */
    List<Applied> applied();

    /** The newest applied version that is not dirty, or empty when none is. */
    default Optional<String> currentVersion() {
        List<Applied> rows = applied();
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (!rows.get(i).dirty()) {
                return Optional.of(rows.get(i).version());
            }
        }
        return Optional.empty();
    }
}
