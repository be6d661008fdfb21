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

    /** This plan with the collection an earlier attempt of the same run restored into (a resume). */
    public RestorePlan into(String collection) {
        return new RestorePlan(manifest, postgres, qdrant, liveSchema, downChain, parallelPostgres, collection, qdrantInPlace,
                aliasesToSwitch, previousCollection, compat, qdrantNotes, qdrantPeakDisk);
    }

    /** The database's transaction stays open until Qdrant is ready (both stores, not a parallel pg_restore). */
    public boolean postgresWaits() {
        return postgres && qdrant && !parallelPostgres;
    }

    /** Both stores or neither: two phases, nothing visible before both are ready. */
    public boolean atomic() {
        return postgresWaits() && !qdrantInPlace;
    }

    /** Why this restore cannot be "both or neither", one reason each; empty when it is. */
    public List<String> notAtomicBecause() {
        List<String> reasons = new java.util.ArrayList<>();
        if (!postgres || !qdrant) {
            reasons.add("--only " + (postgres ? "postgres" : "qdrant") + ": one store is restored, the other is left as it is");
        }
        if (postgres && parallelPostgres) {
            reasons.add("pg_restore --jobs runs in parallel sessions, not one transaction: PostgreSQL commits on its own"
                    + " and a failure can leave it partly restored");
        }
        if (qdrant && qdrantInPlace) {
            reasons.add(qdrantTarget + " is a plain collection, recovered in place: it changes as soon as the upload is"
                    + " recovered" + (postgresWaits() ? "; PostgreSQL still commits only after that succeeded, else it"
                    + " rolls back" : ""));
        }
        return reasons;
    }
}
