package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.snapshot.BackupsDir;

import java.nio.file.Path;

/** The database half: the escrowed down chain, then pg_restore, in one transaction. */
final class PostgresRestore {
    private final BackupsDir backups;
    private final DumpTool dumpTool;
    private final int jobs;

    PostgresRestore(BackupsDir backups, DumpTool dumpTool, int jobs) {
        this.backups = backups;
        this.dumpTool = dumpTool;
        this.jobs = jobs;
    }

    /** {millis, bytes}. */
    long[] restore(RestorePlan plan, Progress progress) {
        long started = System.nanoTime();
        progress.stage("postgres", plan.downChain().isEmpty() ? "pg_restore" : "down chain + pg_restore");
        Path archive = backups.existing(plan.id()).resolve(plan.manifest().postgres().file());
        StringBuilder prelude = new StringBuilder();
        for (RestorePlan.DownStep step : plan.downChain()) {
            prelude.append("-- down ").append(step.version()).append('\n').append(step.downSql()).append('\n')
                    .append("DELETE FROM schema_migrations WHERE version = '").append(step.version().replace("'", "''"))
                    .append("';\n");
        }
        boolean directory = "directory".equals(plan.manifest().postgres().format());
        dumpTool.restore(archive, new DumpTool.RestoreOptions(directory, directory ? jobs : 1, prelude.toString()),
                bytes -> progress.bytes("postgres", bytes));
        return new long[] {(System.nanoTime() - started) / 1_000_000, plan.manifest().postgresBytes()};
    }
}
