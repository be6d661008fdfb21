package dev.ragback.cli.snapshot;

import dev.ragback.app.Durations;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Sizes;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.restore.RestorePlan;
import dev.ragback.app.restore.RestoreService;
import dev.ragback.app.rollback.VerifiedRestore;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Interrupts;
import dev.ragback.cli.Session;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "restore", description = "Verify a set, print the plan, then restore Qdrant and PostgreSQL from it "
        + "(default: the newest golden set): both prepared in parallel, then committed together, or neither. "
        + "The audit trail (task_events) is never touched.")
final class SnapshotRestoreCommand implements Callable<Integer> {
    private final Session session;

    static final class Which {
        @Parameters(paramLabel = "ID", description = "Set id (see: ragback snapshot list).")
        String id;

        @Option(names = "--golden", description = "The newest golden set (the default).")
        boolean golden;
    }

    @ArgGroup(exclusive = true)
    Which which;

    @Option(names = "--only", paramLabel = "qdrant|postgres", description = "Restore one store only.")
    String only;

    @Mixin
    ConfirmOptions.DryRun confirm;

    @Mixin
    ConfirmOptions.BreakLock lease;

    @Option(names = "--keep-staging", description = "S3 repository: keep the verified download of the set (backups.staging) "
            + "after the run; its path is printed on stderr.")
    boolean keepStaging;

    SnapshotRestoreCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (keepStaging) {
            java.nio.file.Path kept = session.services().keepStaging();
            if (kept != null) {
                session.err().println("ragback: the staging copy stays in " + kept);
            }
        }
        RestoreService restore = session.services().restore();
        String id = restore.pick(which == null ? null : which.id);
        RestorePlan plan = restore.plan(id, stores());
        RestorePlanView.print(session, plan, confirm.dryRun());
        session.services().traffic().serving("the stores being restored").ifPresent(serving -> {
            if (session.json()) {
                session.warn(serving);
            } else {
                session.out().println("  traffic   " + serving);
            }
        });
        RestorePlanView.printLocks(session, plan, traffic());
        if (!confirm.proceed("ragback: restore " + RestorePlanView.stores(plan) + " from snapshot " + id + "?")) {
            if (session.json()) {
                session.printJson(new DryRun(RestorePlanView.json(plan), true));
            }
            return ExitCodes.OK;
        }
        VerifiedRestore.Result result;
        try (Interrupts interrupts = Interrupts.interrupting(Thread.currentThread(), session)) {
            result = session.services().verifiedRestore().run(plan, lease.breakLock(), session.progress(), session::warn, this::say,
                    interrupts::pointOfNoReturn);
        }
        RestoreService.Restored restored = result.restored();
        VerifyService.Report verified = result.verified();
        if (verified != null) {
            verified.warnings().forEach(session::warn);
        }
        if (session.json()) {
            session.printJson(new Done(RestorePlanView.json(plan), verified == null ? null : verified.passed(),
                    plan.postgres() ? new Restored(restored.postgresMillis(), restored.postgresBytes(), null) : null,
                    plan.qdrant() ? new Restored(restored.qdrantMillis(), restored.qdrantBytes(), plan.qdrantTarget()) : null,
                    plan.postgresWaits() ? restored.commitWindowMillis() : null));
        } else {
            if (plan.postgres()) {
                session.out().printf("restored postgres  %-28s %10s  %s%n", plan.manifest().postgres().database(),
                        Sizes.human(restored.postgresBytes()), Durations.human(Duration.ofMillis(restored.postgresMillis())));
            }
            if (plan.qdrant()) {
                session.out().printf("restored qdrant    %-28s %10s  %s%n", plan.qdrantTarget(),
                        Sizes.human(restored.qdrantBytes()), Durations.human(Duration.ofMillis(restored.qdrantMillis())));
            }
            if (plan.postgresWaits() && session.verbosity() >= 1) {
                session.out().println("commit window: " + restored.commitWindowMillis() + " ms from the PostgreSQL COMMIT to the"
                        + " alias switch");
            }
        }
        if (!result.passed()) {
            throw new RagbackException(RagbackException.Kind.GATE, "restored, but verify against "
                    + id + " found " + verified.problems().size() + " difference(s): " + String.join("; ", verified.problems()),
                    "look at the stores: ragback verify --snapshot " + id);
        }
        if (verified != null && !session.json()) {
            session.out().println("verified: both stores match snapshot " + id);
        }
        return ExitCodes.OK;
    }

    private java.util.OptionalInt traffic() {
        try {
            return session.services().traffic().status().percent();
        } catch (RagbackException e) {
            session.warn("cannot read the traffic: " + e.getMessage());
            return java.util.OptionalInt.empty();
        }
    }

    private void say(String line) {
        session.err().println(line);
        session.err().flush();
    }

    private RestoreService.Only stores() {
        if (only == null) {
            return RestoreService.Only.BOTH;
        }
        return switch (only) {
            case "qdrant" -> RestoreService.Only.QDRANT;
            case "postgres" -> RestoreService.Only.POSTGRES;
            default -> throw RagbackException.usage("--only takes qdrant or postgres, not '"
                    + Names.printable(only) + "'");
        };
    }

    /** {@code --json} of a dry run (or a "no" at the prompt): the plan, nothing changed. */
    record DryRun(RestorePlanView.Document plan, boolean dryRun) {
    }

    /**
     * {@code --json} of a restore: {@code verified} is {@code null} when only one store was restored, a store
     * left alone is {@code null}, and {@code commit_window_ms} is {@code null} without PostgreSQL's open transaction.
     */
    record Done(RestorePlanView.Document plan, Boolean verified, Restored postgres, Restored qdrant, Long commitWindowMs) {
    }

    /** One store's restore: its time and size, and for Qdrant the collection it went into (left out for PostgreSQL). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Restored(long millis, long bytes, String collection) {
    }
}
