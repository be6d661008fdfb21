package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.snapshot.BackupsDir;

import java.nio.file.Path;
import java.util.List;

/**
 * The database half: the escrowed down chain, then pg_restore, in one transaction. Beside Qdrant it
 * is prepared (the transaction stays open) and committed only once Qdrant is ready too; alone, or
 * with a parallel {@code pg_restore --jobs}, it commits at once.
 */
final class PostgresRestore {
    private final BackupsDir backups;
    private final DumpTool dumpTool;
    private final int jobs;

    PostgresRestore(BackupsDir backups, DumpTool dumpTool, int jobs) {
        this.backups = backups;
        this.dumpTool = dumpTool;
        this.jobs = jobs;
    }

    PreparedHalf prepare(RestorePlan plan, Progress progress) {
        long started = System.nanoTime();
        progress.stage("postgres", plan.downChain().isEmpty() ? "pg_restore" : "down chain + pg_restore");
        Path archive = backups.existing(plan.id()).resolve(plan.manifest().postgres().file());
        List<DumpTool.DownMigration> downChain = plan.downChain().stream()
                .map(step -> new DumpTool.DownMigration(step.version(), step.downSql())).toList();
        boolean directory = "directory".equals(plan.manifest().postgres().format());
        DumpTool.RestoreOptions options = new DumpTool.RestoreOptions(directory, directory ? jobs : 1, downChain);
        long bytes = plan.manifest().postgresBytes();
        if (plan.postgresWaits()) {
            DumpTool.PreparedRestore open = dumpTool.prepare(archive, options, sent -> progress.bytes("postgres", sent));
            return PreparedHalf.of(started, bytes, open::commit, () -> {
                open.rollback();
                return "unchanged (its transaction was rolled back)";
            });
        }
        dumpTool.restore(archive, options, sent -> progress.bytes("postgres", sent));
        String state = "restored to " + plan.id() + " (committed: "
                + (plan.parallelPostgres() ? "a parallel pg_restore cannot wait" : "restored alone") + ")";
        return PreparedHalf.of(started, bytes, () -> { }, () -> state);
    }

    /** The database's state after its prepare failed. */
    static String failedState(RestorePlan plan) {
        return plan.parallelPostgres() ? "may be partly restored (a parallel pg_restore is not one transaction)"
                : "unchanged (rolled back)";
    }
}
