package dev.ragback.fuzz;

import dev.ragback.app.RagbackException;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fuzz targets' one rule: only a RagbackException of the expected kinds escapes, with a one-line message. */
final class TypedErrors {
    private TypedErrors() {
    }

    /** Runs {@code action}; any Throwable that is not a RagbackException propagates and is a finding. */
    static void only(Set<RagbackException.Kind> kinds, Runnable action) {
        try {
            action.run();
        } catch (RagbackException e) {
            assertTrue(kinds.contains(e.kind()), () -> "kind " + e.kind() + " for: " + e.getMessage());
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"),
                    () -> "the message spans lines: " + e.getMessage());
        }
    }
}
