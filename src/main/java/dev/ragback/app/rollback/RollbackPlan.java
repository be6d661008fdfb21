package dev.ragback.app.rollback;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.restore.RestorePlan;

/**
 * What the run will do, printed before {@code traffic_off}.
 *
 * @param runId          {@code rollback_<epoch seconds>}
 * @param restore        the verified set and what happens to each store
 * @param revert         the release switch, or {@code null} when the current release is already the target
 * @param releaseTarget  the release that will be live after the run, or {@code null} when releases are unknown
 * @param releaseNote    why there is no switch, or {@code null}
 * @param compat         the matrix's word on (release, set's schema, set's collection), or {@code null} when unknown
 */
public record RollbackPlan(String runId, String reason, RestorePlan restore, ReleaseService.RevertPlan revert,
                           String releaseTarget, String releaseNote, CompatVerdict compat, boolean restoreTraffic,
                           boolean force) {
}
