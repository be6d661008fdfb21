package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

@Command(name = "check", description = "Status of a triple: OK and WARN exit 0, INCOMPATIBLE exits 3, UNKNOWN exits 0 with a warning.")
final class CompatCheckCommand extends CompatRuleCommand {
    CompatCheckCommand(Session session) {
        super(session);
    }

    @Override
    String rule() {
        return "check";
    }

    @Override
    boolean passes(CompatVerdict verdict) {
        return verdict.passesCheck();
    }
}
