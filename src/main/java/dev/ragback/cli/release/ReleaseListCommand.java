package dev.ragback.cli.release;

import dev.ragback.app.port.ReleaseSwitch.Release;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", description = "Installed releases, oldest first: which are green and which is current.")
final class ReleaseListCommand implements Callable<Integer> {
    private final Session session;

    ReleaseListCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        ReleaseService.Listing listing = session.services().releases().list();
        String current = listing.current().orElse(null);
        if (session.json()) {
            session.printJson(new ReleaseListing(current, listing.releases().stream()
                    .map(r -> new ReleaseRow(r.version(), r.green(), r.version().equals(current))).toList()));
        } else if (listing.releases().isEmpty()) {
            session.out().println("no releases installed");
        } else {
            session.out().printf("  %-16s %-6s%n", "VERSION", "GREEN");
            for (Release release : listing.releases()) {
                session.out().printf("%s %-16s %-6s%n", release.version().equals(current) ? "*" : " ", release.version(),
                        release.green() ? "green" : "-");
            }
            session.out().println(current == null ? "no current release" : "* current: " + current);
        }
        return ExitCodes.OK;
    }

    record ReleaseListing(String current, List<ReleaseRow> releases) {
    }

    record ReleaseRow(String version, boolean green, boolean current) {
    }
}
