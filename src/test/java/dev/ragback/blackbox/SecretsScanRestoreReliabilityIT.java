package dev.ragback.blackbox;

import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Issue 8 item 6, second part: sets (on disk and in a bucket), restores, eval-quick (built-in judge), revert,
 * rollback (Slack and the Pushgateway included, once from the real launcher), history and postmortem, with
 * distinctive secrets in the environment. Zero hits allowed. {@link SecretsScanReliabilityIT} runs the rest.
 */
@BlackBox
class SecretsScanRestoreReliabilityIT extends SecretsScan {
    @Test
    @Scenario(broken = "snapshot, smoke, verify, eval-quick, revert, rollback, history and postmortem (normal, -vv, --json, wrong "
            + "passwords/keys, undeliverable notifications, secret on the command line) with distinctive secrets in the environment",
            expected = "zero secret hits in output, files, TaskDB, metrics, Slack, judge, Qdrant requests and child argv")
    void noSetRestoreOrRollbackLeaksASecretAnywhere(ScenarioOutcome outcome) throws Exception {
        String summary = scanAfter(new SecretsScanPlan(this).setsRestoresAndRollbacks(), List.of("pg_dump", "pg_restore", "eval.sh", "activate.sh"));
        assertTheRollbackAndJudgeRunsWereSeen();
        outcome.observed(summary);
    }
}
