package dev.ragback.blackbox;

import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Issue 8 item 6, first part: ragback itself and the commands that read or configure (doctor, compat, migrate,
 * release, traffic, qdrant, help, completion), normal, -vv, --json and failing paths, with distinctive secrets
 * in the environment. Zero hits allowed. {@link SecretsScanRestoreReliabilityIT} runs the rest of the plan.
 */
@BlackBox
class SecretsScanReliabilityIT extends SecretsScan {
    @Test
    @Scenario(broken = "ragback itself, doctor, compat, migrate, release, traffic, qdrant, help and completion (normal, -vv, --json, "
            + "wrong passwords/keys, unreachable TaskDB, secret on the command line) with distinctive secrets in the environment",
            expected = "zero secret hits in output, files, TaskDB, Qdrant requests and child argv")
    void noReadingOrConfiguringCommandLeaksASecretAnywhere(ScenarioOutcome outcome) throws Exception {
        // traffic.sh: traffic set in command mode
        outcome.observed(scanAfter(new SecretsScanPlan(this).readAndConfigure(), List.of("traffic.sh")));
    }
}
