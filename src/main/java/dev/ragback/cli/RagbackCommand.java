package dev.ragback.cli;

import dev.ragback.cli.compat.CompatCommand;
import dev.ragback.cli.migrate.MigrateCommand;
import dev.ragback.cli.qdrant.QdrantCommand;
import dev.ragback.cli.snapshot.SnapshotCommand;
import dev.ragback.cli.release.ReleaseCommand;
import dev.ragback.cli.release.RevertCommand;
import dev.ragback.cli.rollback.RollbackCommand;
import dev.ragback.cli.traffic.TrafficCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ragback",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        abbreviateSynopsis = true,
        resourceBundle = "dev.ragback.cli.Help")
public final class RagbackCommand implements Callable<Integer> {
    /** The top-level commands in help order; {@link Cli} builds only the one an invocation names. */
    static final List<Class<?>> SUBCOMMANDS = List.of(RollbackCommand.class, SnapshotCommand.class, QdrantCommand.class,
            TrafficCommand.class, ReleaseCommand.class, RevertCommand.class, SmokeCommand.class, VerifyCommand.class,
            EvalQuickCommand.class, MigrateCommand.class, HistoryCommand.class, PostmortemCommand.class, CompatCommand.class,
            DoctorCommand.class, CompletionCommand.class);

    @Mixin
    GlobalOptions globals;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("ragback: a command is required (see: ragback --help)");
        return ExitCodes.USAGE;
    }
}
