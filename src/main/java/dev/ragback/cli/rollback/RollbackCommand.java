package dev.ragback.cli.rollback;

import picocli.CommandLine.Command;

@Command(name = "rollback", description = "The runbook's rollback, automated.", subcommands = {RollbackAutoCommand.class})
public final class RollbackCommand {
}
