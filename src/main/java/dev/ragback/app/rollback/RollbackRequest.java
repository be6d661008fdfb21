package dev.ragback.app.rollback;

import dev.ragback.app.RagbackException;

/**
 * What the on-call engineer asked for; a request that exists is valid (a usage error, exit 2, otherwise).
 *
 * @param reason         {@code [a-z0-9_]+}, e.g. faithfulness_drop
 * @param snapshotId     the set to restore, or {@code null} for the newest golden one
 * @param restoreTraffic put traffic back to 100 when every gate is green
 * @param force          go on although the matrix says INCOMPATIBLE (journaled)
 * @param dryRun         stop after the plan
 * @param resumeRunId    continue this run from its first step that did not succeed, or {@code null}
 * @param breakLock      take over a lease left by a process that is gone (journaled)
 */
public record RollbackRequest(String reason, String snapshotId, boolean restoreTraffic, boolean force, boolean dryRun,
                              String resumeRunId, boolean breakLock) {
    public RollbackRequest {
        if (resumeRunId != null) {
            RollbackService.checkRunId(resumeRunId); // a resumed run keeps its own reason
        } else if (reason == null) {
            throw RagbackException.usage("--reason is required (or --resume RUN_ID)");
        } else {
            RollbackService.checkReason(reason);
        }
    }
}
