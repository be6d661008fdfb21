package dev.ragback.cli.traffic;

import dev.ragback.app.traffic.TrafficService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", description = "The current traffic percentage; 'unknown' when the switch cannot be read back (command mode).")
final class TrafficStatusCommand implements Callable<Integer> {
    private final Session session;

    TrafficStatusCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        TrafficService.Status status = session.services().traffic().status();
        if (session.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("switch", status.where());
            out.put("percent", status.percent().isPresent() ? status.percent().getAsInt() : null);
            session.printJson(out);
        } else {
            session.out().println("traffic: " + (status.percent().isPresent() ? status.percent().getAsInt() + " %" : "unknown")
                    + " (" + status.where() + ")");
        }
        return ExitCodes.OK;
    }
}
