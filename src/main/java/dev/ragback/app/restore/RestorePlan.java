package dev.ragback.app.restore;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.snapshot.Manifest;

import java.util.List;

/**
 * What a restore will do, shown before anything changes.
 *
 * @param manifest         the verified set
 * @param postgres         restore the database
 * @param qdrant           restore the collection
 * @param liveSchema       newest applied migration now, or {@code null}
 * @param downChain        versions whose escrowed down.sql runs first, newest first
 * @param parallelPostgres true: {@code pg_restore --jobs} (not one transaction)
 * @param qdrantTarget     the collection the snapshot is uploaded into
 * @param qdrantInPlace    true: {@code qdrantTarget} is the configured plain collection, recovered in place
 * @param aliasesToSwitch  aliases pointed at {@code qdrantTarget} once it is green (in place: the manifest's, recreated)
 * @param previousCollection the collection the configured alias points at now, kept, or {@code null}
 * @param compat           the matrix's word on (current release, set's schema, set's collection), or {@code null}
 * @param qdrantNotes      what the Qdrant checks found, one line each; warnings start with "warning: "
 * @param qdrantPeakDisk   bytes the Qdrant host needs free while it restores (about 3x the snapshot), 0 without Qdrant
 */
public record RestorePlan(Manifest manifest, boolean postgres, boolean qdrant, String liveSchema, List<DownStep> downChain,
                          boolean parallelPostgres, String qdrantTarget, boolean qdrantInPlace, List<String> aliasesToSwitch,
                          String previousCollection, CompatVerdict compat, List<String> qdrantNotes, long qdrantPeakDisk) {

    /** One escrowed down migration. */
    public record DownStep(String version, String downSql) {
    }

    public String id() {
        return manifest.id();
    }
}
