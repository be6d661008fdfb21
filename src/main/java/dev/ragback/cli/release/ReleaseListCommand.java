package dev.ragback.cli.release;

import dev.ragback.app.port.ReleaseSwitch.Release;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Release release : listing.releases()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("version", release.version());
                row.put("green", release.green());
                row.put("current", release.version().equals(current));
                rows.add(row);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("current", current);
            out.put("releases", rows);
            session.printJson(out);
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
}
