package dev.ragback.cli.rollback;

import dev.ragback.app.Progress;
import dev.ragback.app.rollback.RollbackRequest;
import dev.ragback.app.rollback.RollbackService;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "auto") // help text: Help.properties
final class RollbackAutoCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--reason", paramLabel = "REASON", descriptionKey = "reason", description = "Why: [a-z0-9_]+, e.g. faithfulness_drop, gate_fail_rate, manual.")
    String reason;

    @Option(names = "--snapshot", paramLabel = "ID", description = "Restore this set (default: the newest golden one).")
    String snapshot;

    @Option(names = "--restore-traffic", description = "Put traffic back to 100 when every gate is green (default: stay at 0).")
    boolean restoreTraffic;

    @Option(names = "--force", description = "Go on although the matrix says INCOMPATIBLE (journaled).")
    boolean force;

    @Mixin
    ConfirmOptions.DryRun confirm;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = "Continue a failed or interrupted run from its first step that did not succeed.")
    String resume;

    @Mixin
    ConfirmOptions.BreakLock lease;

    RollbackAutoCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        RollbackRequest request = new RollbackRequest(reason, snapshot, restoreTraffic, force, confirm.dryRun(), resume,
                lease.breakLock());
        confirm.requireYesOrTerminal(); // before the lock and the journal: a refused run leaves no trace
        RollbackService service = session.services().rollback();
        RollbackOutput output = new RollbackOutput(session, confirm);
        Progress progress = session.progress();
        Thread onCtrlC = new Thread(() -> {
            progress.done();
            service.abort().ifPresent(session::fail);
        }, "rollback-abort");
        if (session.ownsProcess()) { // in a test's JVM a hook would outlive the run
            Runtime.getRuntime().addShutdownHook(onCtrlC);
        }
        RollbackService.Outcome outcome;
        try {
            outcome = service.run(request, output, progress);
        } finally {
            if (session.ownsProcess()) {
                removeHook(onCtrlC);
            }
        }
        output.done(outcome, confirm.dryRun());
        return ExitCodes.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (Ctrl-C): the hook runs
        }
    }
}
