package dev.ragback.cli.snapshot;

import dev.ragback.app.Sizes;
import dev.ragback.app.restore.RestorePlan;
import dev.ragback.cli.Session;

import java.io.PrintWriter;
import java.util.List;

/** The restore plan as text (stderr when --json keeps stdout for the document) and as JSON. */
public final class RestorePlanView {
    private RestorePlanView() {
    }

    public static String stores(RestorePlan plan) {
        return plan.postgres() && plan.qdrant() ? "PostgreSQL and Qdrant" : plan.postgres() ? "PostgreSQL" : "Qdrant";
    }

    public static void print(Session session, RestorePlan plan, boolean dryRun) {
        PrintWriter out = session.json() ? session.err() : session.out();
        var m = plan.manifest();
        out.println("Plan" + (dryRun ? " (dry run: nothing will change)" : "") + ": restore snapshot " + m.id()
                + " (created " + m.createdAt() + (m.golden() ? ", golden" : "") + (m.label() == null ? "" : ", '" + m.label() + "'")
                + "), verified");
        if (plan.postgres()) {
            out.println("  postgres  " + m.postgres().database() + ": schema " + or(plan.liveSchema()) + " -> " + or(m.schemaVersion()));
            if (!plan.downChain().isEmpty()) {
                out.println("            down migrations first (escrowed): "
                        + String.join(", ", plan.downChain().stream().map(RestorePlan.DownStep::version).toList()));
            }
            out.println("            " + (plan.parallelPostgres()
                    ? "pg_restore --jobs in parallel: NOT one transaction (a failure can leave a partial restore)"
                    : "down chain + pg_restore --clean --if-exists in one transaction (all or nothing)")
                    + "; task_events untouched");
        }
        if (plan.qdrant()) {
            if (plan.qdrantInPlace()) {
                out.println("  qdrant    recover " + plan.qdrantTarget() + " in place from " + m.qdrant().file()
                        + (plan.aliasesToSwitch().isEmpty() ? "" : ", then recreate " + String.join(", ", plan.aliasesToSwitch())));
            } else if (m.sharded()) {
                out.println("  qdrant    create " + plan.qdrantTarget() + " on the cluster (" + m.qdrant().sharding().shards().size()
                        + " shards, replication factor " + m.qdrant().sharding().replicationFactor() + "), load each shard's snapshot"
                        + " on a peer holding it, wait for every replica Active, count every replica exactly"
                        + " against the set's points per shard and its " + m.qdrant().pointsCount() + " in total, replay the golden probes, then point " + String.join(", ",
                        plan.aliasesToSwitch()) + " at it" + (plan.previousCollection() == null ? "" : "; the live collection "
                        + plan.previousCollection() + " is kept as it is, so this can be undone"));
            } else {
                out.println("  qdrant    upload into new collection " + plan.qdrantTarget() + ", wait for green with "
                        + m.qdrant().pointsCount() + " points" + (m.probes() == null || m.probes().isEmpty() ? ""
                        : " answering its " + m.probes().size() + " golden probes") + ", then point " + String.join(", ", plan.aliasesToSwitch())
                        + " at it" + (plan.previousCollection() == null ? "" : "; the live collection " + plan.previousCollection()
                        + " is kept as it is, so this can be undone"));
            }
            out.println("            " + (m.sharded() ? "each peer needs about 3x the shard snapshots it receives free while it"
                    + " restores (" + Sizes.human(plan.qdrantPeakDisk()) + " in all)" : "the Qdrant host needs about "
                    + Sizes.human(plan.qdrantPeakDisk()) + " free while it restores") + " (3x the snapshot: upload, kept copy,"
                    + " unpacked copy); ragback deletes its uploaded copy afterwards");
            plan.qdrantNotes().forEach(note -> out.println("            " + note));
        }
        if (plan.atomic()) {
            out.println("  commit    both or neither: both are prepared in parallel, nothing visible; then PostgreSQL's COMMIT"
                    + " and the alias switch. Its open transaction locks the restored tables until then: readers wait");
        } else if (plan.postgres() || plan.qdrant()) {
            out.println("  commit    NOT both or neither:");
            plan.notAtomicBecause().forEach(reason -> out.println("            " + reason));
        }
        out.println("  compat    " + (plan.compat() == null ? "unknown (no current release or schema version)"
                : plan.compat().status() + " " + plan.compat().triple()));
        out.flush();
    }

    /**
     * Traffic above 0 while PostgreSQL's transaction is open: readers of the restored tables wait until
     * the COMMIT (issue 19 item 5). Said in the plan, before the confirmation; unknown when it cannot be read.
     */
    /** Above 0 % (or unknown) traffic, says that readers wait on the open transaction until the COMMIT. */
    public static void printLocks(Session session, RestorePlan plan, java.util.OptionalInt percent) {
        if (!plan.postgresWaits() || percent.isPresent() && percent.getAsInt() == 0) {
            return;
        }
        PrintWriter out = session.json() ? session.err() : session.out();
        out.println("  locks     until the COMMIT, readers of the restored tables wait on the open transaction's locks"
                + (percent.isPresent() ? "" : " (traffic unknown)") + "; stop traffic first: ragback traffic set 0 (make traffic:0)");
        out.flush();
    }

    private static String or(String version) {
        return version == null ? "(none)" : version;
    }

    /** The plan in --json ({@code snapshot restore}, and {@code rollback auto}'s plan). */
    public record Document(String snapshot, boolean postgres, boolean qdrant, String schemaFrom, String schemaTo, List<String> downChain,
                           String postgresMode, String qdrantTarget, boolean qdrantInPlace, List<String> aliases,
                           String previousCollection, Long qdrantPeakDiskBytes, List<String> qdrantNotes, boolean atomic,
                           List<String> notAtomicBecause, String compat) {
    }

    public static Document json(RestorePlan plan) {
        return new Document(plan.id(), plan.postgres(), plan.qdrant(), plan.liveSchema(), plan.manifest().schemaVersion(),
                plan.downChain().stream().map(RestorePlan.DownStep::version).toList(), plan.parallelPostgres() ? "parallel"
                : "single-transaction", plan.qdrantTarget(), plan.qdrantInPlace(), plan.aliasesToSwitch(), plan.previousCollection(),
                plan.qdrant() ? plan.qdrantPeakDisk() : null, plan.qdrantNotes(), plan.atomic(), plan.notAtomicBecause(),
                plan.compat() == null ? "UNKNOWN" : plan.compat().status().name());
    }
}
