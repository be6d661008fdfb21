package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

@Command(name = "gate", description = "The promotion rule for CI: only OK and WARN pass; INCOMPATIBLE and UNKNOWN exit 3.")
final class CompatGateCommand extends CompatRuleCommand {
    CompatGateCommand(Session session) {
        super(session);
    }

    @Override
    String rule() {
        return "gate";
    }

    @Override
    boolean passes(CompatVerdict verdict) {
        return verdict.passesGate();
    }
}
