package dev.ragback.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.Map;

/**
 * SIGINT and SIGTERM turned into an interrupt of the command's thread, so that a restore or a
 * create stops the way a failure does: it cleans up, journals, releases its lease and exits 130
 * through the one error path. The JVM's default (run the shutdown hooks, exit at once) would leave
 * the stores split and the lease held. Past the work's point of no return (a restore's commit) a
 * signal is answered by finishing it. A third signal exits at once.
 */
public final class Interrupts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Interrupts.class);
    private static final int SIGNALS_BEFORE_HALT = 3;

    private final Map<Signal, SignalHandler> previous = new java.util.LinkedHashMap<>();
    private int received;
    private boolean pastPointOfNoReturn;

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
        SignalHandler handler = signal -> interrupts.received(signal, worker, err);
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

    /**
     * The work passes its point of no return (a restore's commit): false when a signal came first, so
     * it stops instead; after true, a signal is answered by finishing the work, and says so.
     */
    public synchronized boolean pointOfNoReturn() {
        if (received > 0) {
            return false;
        }
        pastPointOfNoReturn = true;
        return true;
    }

    private synchronized void received(Signal signal, Thread worker, PrintWriter err) {
        int count = ++received;
        String name = "ragback: SIG" + signal.getName();
        if (count >= SIGNALS_BEFORE_HALT) {
            err.println(name + " again: exiting now, without the clean-up" + (pastPointOfNoReturn
                    ? " (the commit may be unfinished: check with ragback verify, finish with ragback qdrant switch-alias)" : ""));
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
        }
        String first = pastPointOfNoReturn ? ": interrupt received after the commit; finishing the switch" : ": stopping; cleaning up first";
        String later = pastPointOfNoReturn ? "ragback: still finishing the switch" : "ragback: still cleaning up";
        err.println(count == 1 ? name + first + " (press Ctrl-C " + (SIGNALS_BEFORE_HALT - count) + " more times to exit without "
                + (pastPointOfNoReturn ? "finishing it)" : "the clean-up)") : later + " (Ctrl-C once more exits without it)");
        err.flush();
        worker.interrupt();
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
