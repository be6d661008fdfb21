package dev.ragback.cli.archfixture;

import dev.ragback.adapters.os.LocalOperator;

/** Deliberately breaks the architecture rules; only {@code ArchitectureTest} imports it, explicitly. */
public final class CommandThatBuildsAnAdapter {
    public Object operator() {
        return LocalOperator.current();
    }
}
