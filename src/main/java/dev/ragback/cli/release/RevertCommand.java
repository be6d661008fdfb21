package dev.ragback.cli.release;

import picocli.CommandLine.Command;

@Command(name = "revert", description = "Go back to a known-good release.", subcommands = RevertLastGreenCommand.class)
public final class RevertCommand {
}
