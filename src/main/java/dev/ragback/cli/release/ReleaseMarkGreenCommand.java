package dev.ragback.cli.release;

import dev.ragback.app.release.ReleaseService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
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
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("version", marked.version());
            out.put("green", true);
            out.put("event_id", marked.eventId());
            session.printJson(out);
        } else {
            session.out().println(marked.version() + " is green");
        }
        return ExitCodes.OK;
    }
}
