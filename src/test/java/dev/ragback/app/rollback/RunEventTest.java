package dev.ragback.app.rollback;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunEventTest {

    @Test
    void theStartNamesEveryFieldInSnakeCaseInOrder() {
        RunEvent started = new RunEvent.Started("faithfulness_drop", "2026-12-04T03:00:00Z", "S1", "v1.2.0", "ops-1", true, false, true);

        assertEquals("rollback_auto", started.type());
        assertInOrder(entries("reason", "faithfulness_drop", "timestamp", "2026-12-04T03:00:00Z", "snapshot", "S1",
                "release", "v1.2.0", "host", "ops-1", "dry_run", true, "restore_traffic", false, "force", true), started);
    }

    @Test
    void aStepIsJournaledByItsWordsAndItsDurationInMilliseconds() {
        RunEvent step = new RunEvent.StepChanged(Step.RESTORE, StepStatus.FAILED, 1234, "pg_restore exited 1");

        assertEquals("rollback_step", step.type());
        assertInOrder(entries("step", Step.RESTORE.label(), "status", StepStatus.FAILED.word(), "duration_ms", 1234L,
                "detail", "pg_restore exited 1"), step);
    }

    @Test
    void theFinishLeavesOutAnUnrecordedPromptWaitButKeepsANullFailedStep() {
        assertInOrder(entries("outcome", "succeeded", "failed_step", null, "duration_s", 12.5, "prompt_wait_s", 3.0),
                new RunEvent.Finished("succeeded", null, 12.5, 3.0));
        assertInOrder(entries("outcome", "failed", "failed_step", "restore", "duration_s", 2.0),
                new RunEvent.Finished("failed", "restore", 2.0, null));
    }

    @Test
    void aForcedRunAndAnEarlierCommitCarryTheirFixedFields() {
        assertInOrder(entries("triple", "app 2.0 / schema 1.0 / index v1", "status", "INCOMPATIBLE", "line", 7),
                new RunEvent.Forced("app 2.0 / schema 1.0 / index v1", 7));
        RunEvent committed = new RunEvent.RestoreCommittedEarlier("S1", "rag_main_v1_rS1_1");
        assertEquals("restore_committed", committed.type());
        assertInOrder(entries("snapshot_id", "S1", "collection", "rag_main_v1_rS1_1", "resumed", true), committed);
    }

    private static void assertInOrder(Map<String, Object> expected, RunEvent event) {
        assertEquals(List.copyOf(expected.entrySet()), new ArrayList<>(event.metadata().entrySet()));
    }

    private static Map<String, Object> entries(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
