package dev.ragback.cli.release;

import dev.ragback.app.RagbackException;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "current", description = "The live release's version; exit 1 when none is active.")
final class ReleaseCurrentCommand implements Callable<Integer> {
    private final Session session;

    ReleaseCurrentCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Optional<String> current = session.services().releases().current();
        if (session.json()) {
            session.printJson(new CurrentRelease(current.orElse(null)));
        } else {
            current.ifPresent(session.out()::println);
        }
        if (current.isEmpty()) {
            throw RagbackException.external("no current release", "see: ragback release list", null);
        }
        return ExitCodes.OK;
    }

    record CurrentRelease(String current) {
    }
}
