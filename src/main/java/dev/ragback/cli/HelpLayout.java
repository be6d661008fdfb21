package dev.ragback.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
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
        command.getHelpSectionMap().replaceAll((key, section) -> NameSafeWrap.around(section));
        command.getSubcommands().values().forEach(HelpLayout::apply);
    }

    /** kubectl's short form, with the options a command requires spelled out: picocli's full form wraps inside names. */
    private static String synopsis(Help help) {
        if (help.commandSpec().usageMessage().customSynopsis().length > 0) {
            return help.customSynopsis();
        }
        CommandSpec spec = help.commandSpec();
        List<String> words = new ArrayList<>(List.of(spec.qualifiedName()));
        spec.options().stream().filter(o -> o.required() && o.group() == null).forEach(o -> words.add(label(o)));
        words.add("[OPTIONS]");
        spec.positionalParameters().stream().filter(p -> !p.hidden() && p.group() == null)
                .forEach(p -> words.add(p.arity().min == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel()));
        for (ArgGroupSpec group : spec.argGroups()) {
            String either = group.args().stream().map(HelpLayout::label).collect(Collectors.joining(" | "));
            words.add(group.multiplicity().min == 0 ? "[" + either + "]" : group.exclusive() ? "(" + either + ")" : either);
        }
        if (!spec.subcommands().isEmpty()) {
            words.add("[COMMAND]");
        }
        int heading = help.synopsisHeading().length();
        return help.colorScheme().text(wrap(words, heading + spec.qualifiedName().length() + 1, heading,
                spec.usageMessage().width())) + System.lineSeparator();
    }

    private static String label(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            return option.arity().max == 0 ? option.longestName() : option.longestName() + "=" + option.paramLabel();
        }
        return arg.paramLabel();
    }

    /** Whole words to a line; the first line has {@code used} columns taken, the others start at {@code indent}. */
    static String wrap(List<String> words, int indent, int used, int width) {
        StringBuilder text = new StringBuilder();
        int column = used;
        boolean lineEmpty = true;
        for (String word : words) {
            if (!lineEmpty && column + 1 + word.length() > width) {
                text.append(System.lineSeparator()).append(" ".repeat(indent));
                column = indent;
                lineEmpty = true;
            }
            if (!lineEmpty) {
                text.append(' ');
                column++;
            }
            text.append(word);
            column += word.length();
            lineEmpty = false;
        }
        return text.toString();
    }

    private static String ownOptions(Help help) {
        List<OptionSpec> own = help.commandSpec().options().stream()
                .filter(o -> !o.hidden() && !o.inherited() && !o.versionHelp())
                .collect(Collectors.toList());
        return help.optionListExcludingGroups(own, help.createDefaultLayout(), null, help.parameterLabelRenderer())
                + help.colorScheme().text(wrap(List.of(GLOBAL_POINTER.split(" ")), 4, 0, help.commandSpec().usageMessage().width() - 2)
                        .indent(2).stripTrailing()) + System.lineSeparator();
    }
}
