package dev.ragback.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "postmortem", description = "Write the postmortem draft of a rollback run from its TaskDB events "
        + "(postmortem.template into postmortem.dir/<start date>-<run id>.md) and print its path. "
        + "Exit 1 when TaskDB has no events for the run.")
final class PostmortemCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run, e.g. rollback_1764300000 (see: ragback history).")
    String runId;

    @Option(names = "--force", description = "Replace an existing draft that differs from a fresh one (it may hold edits).")
    boolean force;

    PostmortemCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Path written = session.services().postmortem().write(runId, force);
        if (session.json()) {
            session.printJson(new Draft(written.toString()));
        } else {
            session.out().println(written);
        }
        return ExitCodes.OK;
    }

    record Draft(String path) {
    }
}
