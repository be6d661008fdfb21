package dev.ragback.app.rollback;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A RollbackRequest that exists is valid: it checks itself when it is made. */
class RollbackRequestTest {
    private static RagbackException refused(String reason, String resume) {
        return assertThrows(RagbackException.class, () -> new RollbackRequest(reason, null, false, false, false, resume, false));
    }

    @Test
    void aNewRunNeedsAReasonOfLowerCaseWords() {
        RagbackException missing = refused(null, null);
        assertEquals(RagbackException.Kind.USAGE, missing.kind());
        assertEquals("--reason is required (or --resume RUN_ID)", missing.getMessage());
        assertEquals(RagbackException.Kind.USAGE, refused("Faithfulness Drop", null).kind());
        assertEquals(RagbackException.Kind.USAGE, refused("", null).kind());
        assertDoesNotThrow(() -> new RollbackRequest("faithfulness_drop", null, false, false, false, null, false));
    }

    @Test
    void aResumedRunNeedsAValidRunIdAndNoReason() {
        assertEquals(RagbackException.Kind.USAGE, refused(null, "rollback_../x").kind());
        assertEquals(RagbackException.Kind.USAGE, refused("faithfulness_drop", "17").kind(), "a reason does not excuse a bad id");
        assertDoesNotThrow(() -> new RollbackRequest(null, null, false, false, false, "rollback_1764300000", false));
        assertDoesNotThrow(() -> new RollbackRequest("NOT CHECKED", null, false, false, false, "rollback_1764300000", false),
                "a resumed run keeps its journaled reason");
    }
}
