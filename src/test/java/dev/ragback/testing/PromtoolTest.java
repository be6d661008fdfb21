package dev.ragback.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The promtool check can fail: a counter without HELP and without _total, and text that is not the format at all. */
class PromtoolTest {

    @Test
    void lintProblemsFail() {
        AssertionFailedError failure = assertThrows(AssertionFailedError.class,
                () -> Promtool.assertPasses("# TYPE rag_things counter\nrag_things 1\n"));
        assertTrue(failure.getMessage().contains("rag_things"), failure.getMessage());
    }

    @Test
    void textThatIsNotTheFormatFails() {
        assertThrows(AssertionFailedError.class, () -> Promtool.assertPasses("rag_rollback_total{reason=\"manual\" 1\n"));
    }

    @Test
    void aValidExpositionPasses() throws Exception {
        Promtool.assertPasses("# HELP rag_things_total Things.\n# TYPE rag_things_total counter\nrag_things_total 1\n");
    }
}
