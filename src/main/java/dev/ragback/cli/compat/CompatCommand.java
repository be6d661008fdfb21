package dev.ragback.cli.compat;

import picocli.CommandLine.Command;

@Command(name = "compat",
        description = "The binary/schema/collection compatibility matrix (compat/matrix.md).",
        subcommands = {CompatShowCommand.class, CompatLintCommand.class, CompatCheckCommand.class, CompatGateCommand.class})
public final class CompatCommand {
}
