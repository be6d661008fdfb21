package dev.ragback.cli.traffic;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ragback.app.traffic.TrafficService;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

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
            session.printJson(new TrafficStatus(status.where(), status.percent().isPresent() ? status.percent().getAsInt() : null));
        } else {
            session.out().println("traffic: " + (status.percent().isPresent() ? status.percent().getAsInt() + " %" : "unknown")
                    + " (" + status.where() + ")");
        }
        return ExitCodes.OK;
    }

    /** @param percent {@code null} when the switch cannot be read back */
    record TrafficStatus(@JsonProperty("switch") String where, Integer percent) {
    }
}
