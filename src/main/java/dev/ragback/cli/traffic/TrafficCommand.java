package dev.ragback.cli.traffic;

import picocli.CommandLine.Command;

@Command(name = "traffic",
        description = "The share of user traffic the pipeline gets (traffic.mode: file, command or http).",
        subcommands = {TrafficSetCommand.class, TrafficStatusCommand.class})
public final class TrafficCommand {
}
