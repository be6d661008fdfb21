package dev.ragback.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.stream.Collectors;

/** A command's help lists its own options and points to {@code ragback help options} for the global ones. */
final class HelpLayout {
    static final String GLOBAL_POINTER = "Global options (--config, --set, --json, -v, -q, ...): ragback help options.";

    private HelpLayout() {
    }

    /** Sets the option list of {@code command} and every subcommand built so far. */
    static void apply(CommandLine command) {
        if (command.getParent() != null) {
            command.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::ownOptions);
            command.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS, HelpLayout::synopsis);
        }
        command.getSubcommands().values().forEach(HelpLayout::apply);
    }

    /** kubectl's short form, with the options a command requires spelled out: picocli's full form wraps inside names. */
    private static String synopsis(Help help) {
        if (help.commandSpec().usageMessage().customSynopsis().length > 0) {
            return help.customSynopsis();
        }
        StringBuilder line = new StringBuilder(help.commandSpec().qualifiedName());
        help.commandSpec().options().stream().filter(OptionSpec::required)
                .forEach(o -> line.append(' ').append(o.longestName()).append('=').append(o.paramLabel()));
        line.append(" [OPTIONS]");
        help.commandSpec().positionalParameters().stream().filter(p -> !p.hidden())
                .forEach(p -> line.append(' ').append(p.arity().min == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel()));
        if (!help.commandSpec().subcommands().isEmpty()) {
            line.append(" [COMMAND]");
        }
        return help.colorScheme().text(line.toString()) + System.lineSeparator();
    }

    private static String ownOptions(Help help) {
        List<OptionSpec> own = help.commandSpec().options().stream()
                .filter(o -> !o.hidden() && !o.inherited() && !o.versionHelp())
                .collect(Collectors.toList());
        return help.optionListExcludingGroups(own, help.createDefaultLayout(), null, help.parameterLabelRenderer())
                + help.colorScheme().text("  " + GLOBAL_POINTER) + System.lineSeparator();
    }
}
