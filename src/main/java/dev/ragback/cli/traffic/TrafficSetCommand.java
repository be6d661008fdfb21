package dev.ragback.cli.traffic;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ragback.app.traffic.TrafficService;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "set", description = "Set the traffic to PERCENT (0 stops it, 100 is full traffic) and record a "
        + "traffic_set event in TaskDB. A TaskDB that cannot record it is a warning: the change still happens.")
final class TrafficSetCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(index = "0", paramLabel = "PERCENT", description = "The share of traffic, 0 to 100.")
    String percent;

    @Mixin
    ConfirmOptions.Yes confirm;

    TrafficSetCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        int wanted = TrafficService.parsePercent(percent);
        TrafficService traffic = session.services().traffic();
        confirm.confirm("Set traffic to " + wanted + " % (" + traffic.where() + ")?");
        TrafficService.Change change = traffic.set(wanted, null);
        change.warnings().forEach(session::warn);
        if (session.json()) {
            session.printJson(new TrafficChange(change.where(), change.before(), change.after(), change.eventId()));
        } else {
            session.out().println("traffic: " + (change.before() == null ? "unknown" : change.before() + " %") + " -> "
                    + change.after() + " % (" + change.where() + ")");
        }
        return ExitCodes.OK;
    }

    record TrafficChange(@JsonProperty("switch") String where, @JsonProperty("old") Integer before,
                         @JsonProperty("new") int after, Long eventId) {
    }
}
