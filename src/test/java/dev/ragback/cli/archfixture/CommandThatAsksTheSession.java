package dev.ragback.cli.archfixture;

import dev.ragback.cli.Session;

/** Deliberately asks the session for a confirmation instead of a ConfirmOptions mixin; only {@code ArchitectureTest} imports it. */
public final class CommandThatAsksTheSession {
    public void call(Session session, boolean yes) {
        session.confirm(yes, "really?");
    }
}
