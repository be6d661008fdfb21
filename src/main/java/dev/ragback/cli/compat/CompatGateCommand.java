package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "gate", description = "The promotion rule for CI: only OK and WARN pass; INCOMPATIBLE and UNKNOWN exit 3.")
final class CompatGateCommand implements Callable<Integer> {
    private final Session session;

    @Mixin
    TripleOptions triple;

    CompatGateCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CompatVerdict verdict = session.services().compat().check(triple.triple());
        return CompatVerdictView.render(session, verdict, "gate", verdict.passesGate());
    }
}
