package dev.ragback.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT and SIGTERM turned into an interrupt of the command's thread, so that a restore or a
 * create stops the way a failure does: it cleans up, journals, releases its lease and exits 130
 * through the one error path. The JVM's default (run the shutdown hooks, exit at once) would leave
 * the stores split and the lease held. A third signal exits at once.
 */
public final class Interrupts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Interrupts.class);
    private static final int SIGNALS_BEFORE_HALT = 3;

    private final Map<Signal, SignalHandler> previous = new java.util.LinkedHashMap<>();

    private Interrupts() {
    }

    /**
     * From now until {@link #close()}, SIGINT and SIGTERM interrupt {@code worker}; only when the session is the
     * whole process (a run inside a test's JVM leaves the JVM's signals alone).
     */
    public static Interrupts interrupting(Thread worker, Session session) {
        Interrupts interrupts = new Interrupts();
        if (!session.ownsProcess()) {
            return interrupts;
        }
        PrintWriter err = session.err();
        AtomicInteger received = new AtomicInteger();
        SignalHandler handler = signal -> {
            int count = received.incrementAndGet();
            if (count >= SIGNALS_BEFORE_HALT) {
                err.println("ragback: SIG" + signal.getName() + " again: exiting now, without the clean-up");
                err.flush();
                Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
            }
            err.println(count == 1 ? "ragback: SIG" + signal.getName() + ": stopping; cleaning up first (press Ctrl-C "
                    + (SIGNALS_BEFORE_HALT - count) + " more times to exit without the clean-up)"
                    : "ragback: still cleaning up (Ctrl-C once more exits without it)");
            err.flush();
            worker.interrupt();
        };
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal signal = new Signal(name);
                interrupts.previous.put(signal, Signal.handle(signal, handler));
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{}: {}", name, e.getMessage()); // e.g. the JVM runs with -Xrs
            }
        }
        return interrupts;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
