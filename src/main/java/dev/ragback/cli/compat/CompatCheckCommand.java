package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "check", description = "Status of a triple: OK and WARN exit 0, INCOMPATIBLE exits 3, UNKNOWN exits 0 with a warning.")
final class CompatCheckCommand implements Callable<Integer> {
    private final Session session;

    @Mixin
    TripleOptions triple;

    CompatCheckCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CompatVerdict verdict = session.services().compat().check(triple.triple());
        return CompatVerdictView.render(session, verdict, "check", verdict.passesCheck());
    }
}
