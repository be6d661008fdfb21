package dev.ragback.adapters.traffic;

import dev.ragback.adapters.os.ChildContext;
import dev.ragback.adapters.os.CommandRun;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.TrafficSwitch;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Traffic set by a program ({@code traffic.command}, an argv list with {@code {percent}}), run
 * without a shell. It has no way to read the value back, so {@link #percent()} is empty.
 */
public final class CommandTrafficSwitch implements TrafficSwitch {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String KEY = "traffic.command";

    private final List<String> template;
    private final Duration timeout;
    private final ChildContext context;

    /** {@code template} may be null: then every call fails saying traffic.command is not set. */
    public CommandTrafficSwitch(List<String> template) {
        this(template, TIMEOUT);
    }

    /** As {@link #CommandTrafficSwitch(List)}, started in {@code context}'s directory with its environment. */
    public CommandTrafficSwitch(List<String> template, ChildContext context) {
        this(template, TIMEOUT, context);
    }

    CommandTrafficSwitch(List<String> template, Duration timeout) {
        this(template, timeout, ChildContext.ofThisProcess());
    }

    private CommandTrafficSwitch(List<String> template, Duration timeout, ChildContext context) {
        this.template = template == null ? null : List.copyOf(template);
        this.timeout = timeout;
        this.context = context;
    }

    @Override
    public String describe() {
        return "command " + (template == null ? "(traffic.command not set)" : template.get(0));
    }

    @Override
    public OptionalInt percent() {
        return OptionalInt.empty();
    }

    @Override
    public void set(int percent) {
        if (template == null) {
            throw RagbackException.malformed("traffic.mode is command but traffic.command is not set");
        }
        CommandRun.Result result = CommandRun.run(context, KEY, CommandRun.fill(template, "percent", String.valueOf(percent)), timeout);
        if (result.exitCode() != 0) {
            String tail = result.stderrTail();
            throw RagbackException.external(KEY + " (" + template.get(0) + ") exited " + result.exitCode()
                            + " setting traffic to " + percent + " %" + (tail.isEmpty() ? "" : ": " + tail),
                    "fix the program or traffic.command; traffic was probably not changed", null);
        }
    }

    @Override
    public String toString() {
        return "CommandTrafficSwitch" + template;
    }
}
