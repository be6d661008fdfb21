package dev.ragback.blackbox;

import dev.ragback.testing.Processes;
import dev.ragback.testing.RollbackGoldenSet;
import dev.ragback.testing.Waits;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.reliability.Scenario;
import dev.ragback.testing.reliability.ScenarioOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * rollback auto killed with SIGKILL (children first) right after each step starts; --resume ends green.
 * Kills inside a step (the restore's upload, prepare and alias switch, the evaluator) are in {@link CrashInsideStepsReliabilityIT}.
 */
@RollbackGoldenSet(chunks = CrashResumeStage.CHUNKS)
@BlackBox
class CrashResumeReliabilityIT extends CrashResumeStage {
    @ParameterizedTest(name = "killed right after ==> {0}")
    @ValueSource(strings = {"traffic_off", "restore", "revert", "smoke", "eval", "report"})
    @Scenario(broken = "kill -9 of rollback auto (and its children) right after a step starts: traffic_off, restore, revert, smoke, eval, report",
            expected = "--resume exit 0; verify exit 0; current = green release; traffic 0; stores equal the golden set")
    void killedAtAStepBoundaryThenResumeEndsGreen(String step, ScenarioOutcome outcome) throws Exception {
        if (step.equals("eval")) {
            Files.writeString(work.resolve("hang"), "");
        }
        Path io = TempDirs.create("crash-" + step + "-");
        Process run = cli.start(io, "rollback", "auto", "--reason", "manual", "--yes");
        Waits.until(() -> Processes.stdoutSoFar(io).contains("==> " + step + " ") || !run.isAlive(), "==> " + step);
        String killed = kill(run);
        Files.deleteIfExists(work.resolve("hang"));
        if (!step.equals("traffic_off")) {
            assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip(), "traffic after the kill");
        }
        String resumed = resumeAndCheck(io);
        outcome.observed("after ==> " + step + ": " + killed + "; " + resumed).dataIntact(storesEqualGolden());
    }
}
