package dev.ragback.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.stream.Collectors;

/** A command's help lists its own options and points to {@code ragback help options} for the global ones. */
final class HelpLayout {
    static final String GLOBAL_POINTER = "Global options (--config, --set, --json, -v, -q, --no-color): ragback help options.";

    private HelpLayout() {
    }

    /** Sets the option list of {@code command} and every subcommand built so far. */
    static void apply(CommandLine command) {
        if (command.getParent() != null) {
            command.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::ownOptions);
        }
        command.getSubcommands().values().forEach(HelpLayout::apply);
    }

    private static String ownOptions(Help help) {
        List<OptionSpec> own = help.commandSpec().options().stream()
                .filter(o -> !o.hidden() && !o.inherited() && !o.versionHelp())
                .collect(Collectors.toList());
        return help.optionListExcludingGroups(own, help.createDefaultLayout(), null, help.parameterLabelRenderer())
                + help.colorScheme().text("  " + GLOBAL_POINTER) + System.lineSeparator();
    }
}
