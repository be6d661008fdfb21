package dev.ragback.app.doctor;

import dev.ragback.app.RagbackException;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.app.traffic.TrafficService;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * doctor's checks of what {@code rollback auto} needs beyond healthy stores: each failing one names the
 * rollback step it blocks, so a doctor that passes means the rollback can run.
 */
public final class RollbackReadiness {

    /** Builds the evaluator as the rollback's plan step does; throws what a missing or bad eval setting throws. */
    public interface EvalSetup {
        void check();
    }

    private final EvalSetup eval;
    private final ReleaseService releases;
    private final TrafficService traffic;
    private final SnapshotCatalog catalog;
    private final SnapshotVerifier verifier;

    public RollbackReadiness(EvalSetup eval, ReleaseService releases, TrafficService traffic, SnapshotCatalog catalog,
                             SnapshotVerifier verifier) {
        this.eval = eval;
        this.releases = releases;
        this.traffic = traffic;
        this.catalog = catalog;
        this.verifier = verifier;
    }

    /** The checks in the order a rollback needs them. */
    public List<CheckResult> checks() {
        return List.of(golden(), evalCheck(), release(), trafficCheck());
    }

    private CheckResult golden() {
        try {
            Optional<BackupsDir.Entry> newest = catalog.newestGolden();
            if (newest.isEmpty()) {
                return CheckResult.fail("golden", "no golden snapshot set: blocks rollback auto at plan",
                        "take one when the pipeline is healthy: ragback snapshot create --golden");
            }
            String id = newest.get().id();
            SnapshotVerifier.SetCheck check = verifier.verify(id, false);
            return check.ok() ? CheckResult.ok("golden", id + " verifies (sizes and sha256)")
                    : CheckResult.fail("golden", "golden set " + id + " does not verify: blocks rollback auto at plan; "
                    + String.join("; ", check.problems()), "take a new one: ragback snapshot create --golden");
        } catch (RagbackException e) {
            return CheckResult.fail("golden", e.getMessage() + ": blocks rollback auto at plan", e.hint());
        }
    }

    private CheckResult evalCheck() {
        try {
            eval.check();
            return CheckResult.ok("eval", "the evaluator is configured");
        } catch (RagbackException e) {
            return CheckResult.fail("eval", e.getMessage() + ": blocks rollback auto at plan (its eval step needs it)", e.hint());
        }
    }

    private CheckResult release() {
        try {
            Optional<String> current = releases.current();
            return current.isPresent() ? CheckResult.ok("release", "current release " + current.get())
                    : CheckResult.fail("release", "no current release: rollback auto's revert step is skipped",
                    "install the releases under release.dir with a current link (or set release.current_command)");
        } catch (RagbackException e) {
            return CheckResult.fail("release", e.getMessage() + ": rollback auto's revert step is skipped", e.hint());
        }
    }

    private CheckResult trafficCheck() {
        try {
            OptionalInt percent = traffic.status().percent();
            return percent.isPresent() ? CheckResult.ok("traffic", percent.getAsInt() + " % (" + traffic.where() + ")")
                    : CheckResult.warn("traffic", traffic.where() + " cannot be read back: rollback auto's traffic_off step "
                    + "cannot confirm users are off", "use traffic.mode file or http, which read back");
        } catch (RagbackException e) {
            return CheckResult.fail("traffic", e.getMessage() + ": blocks rollback auto at traffic_off", e.hint());
        }
    }
}
