package dev.ragback.cli.release;

import dev.ragback.app.release.ReleaseService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "mark-green", description = "Mark a release known-good (a revert target) and record a release_green event.")
final class ReleaseMarkGreenCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(index = "0", paramLabel = "VERSION", description = "The release version, for example v1.1.0.")
    String version;

    ReleaseMarkGreenCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        ReleaseService.Marked marked = session.services().releases().markGreen(version);
        marked.warnings().forEach(session::warn);
        if (session.json()) {
            session.printJson(new GreenRelease(marked.version(), true, marked.eventId()));
        } else {
            session.out().println(marked.version() + " is green");
        }
        return ExitCodes.OK;
    }

    /** @param eventId the release_green event; {@code null} when TaskDB could not record it */
    record GreenRelease(String version, boolean green, Long eventId) {
    }
}
