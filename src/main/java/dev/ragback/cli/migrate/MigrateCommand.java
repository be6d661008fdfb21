package dev.ragback.cli.migrate;

import picocli.CommandLine.Command;

@Command(name = "migrate",
        description = "Schema migrations (migrations.dir: <version>/up.sql and down.sql) against schema_migrations. "
                + "A dirty row (a migration that failed) stops up and down until it is cleared: see migrate status.",
        subcommands = {MigrateStatusCommand.class, MigrateUpCommand.class, MigrateDownCommand.class, MigrateVerifyCommand.class})
public final class MigrateCommand {
}
