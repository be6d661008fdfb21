package dev.ragback.blackbox;

import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * Issue 8 item 6, first part: ragback itself and the commands that read or configure (doctor, compat, migrate,
 * release, traffic, qdrant, help, completion), normal, -vv, --json and failing paths, with distinctive secrets
 * in the environment. Zero hits allowed. {@link SecretsScanRestoreReliabilityIT} runs the rest of the plan.
 */
@ExtendWith({PostgresExtension.class, S3ProxyExtension.class})
@BlackBox
class SecretsScanReliabilityIT {
    @TempDir
    Path work;

    private SecretsScan scan;

    @BeforeEach
    void setUp(PgDatabase db, S3Bucket bucket) throws Exception {
        scan = new SecretsScan(db, bucket, work);
    }

    @AfterEach
    void tearDown() {
        scan.close();
    }

    @Test
    @Scenario(broken = "ragback itself, doctor, compat, migrate, release, traffic, qdrant, help and completion (normal, -vv, --json, "
            + "wrong passwords/keys, unreachable TaskDB, secret on the command line) with distinctive secrets in the environment",
            expected = "zero secret hits in output, files, TaskDB, Qdrant requests and child argv")
    void noReadingOrConfiguringCommandLeaksASecretAnywhere(ScenarioOutcome outcome) throws Exception {
        // traffic.sh: traffic set in command mode
        outcome.observed(scan.scanAfter(new SecretsScanPlan(scan).readAndConfigure(), List.of("traffic.sh")));
    }
}
