package dev.ragback.adapters.archfixture;

import dev.ragback.app.RagbackException;
import dev.ragback.cli.ExitCodes;

/** Deliberately breaks the architecture rules; only {@code ArchitectureTest} imports it, explicitly. */
public final class AdapterThatUsesTheCli {
    public int failureCode() {
        // a method call, not a constant: javac inlines constants, leaving no dependency to find
        return ExitCodes.of(RagbackException.Kind.EXTERNAL);
    }
}
