package dev.ragback.cli.release;

import picocli.CommandLine.Command;

@Command(name = "release",
        description = "Installed releases (binaries and config) of the pipeline (release.mode: symlink or command).",
        subcommands = {ReleaseListCommand.class, ReleaseCurrentCommand.class, ReleaseMarkGreenCommand.class})
public final class ReleaseCommand {
}
