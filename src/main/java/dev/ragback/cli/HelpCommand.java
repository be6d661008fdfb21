package dev.ragback.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code ragback help [COMMAND...]} as picocli's own help command, plus the topic {@code ragback help options}:
 * the options every command accepts, listed once instead of in every command's help.
 */
@Command(name = "help", helpCommand = true, description = "Print the help of a command, or with 'options' the global options.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    static final String OPTIONS_TOPIC = "options";

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (e.g. rollback auto), or 'options'.")
    List<String> names = List.of();

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine root = self.getParent();
        if (names.size() == 1 && names.get(0).equals(OPTIONS_TOPIC)) {
            out.print(globalOptions(root, colors));
            return;
        }
        CommandLine target = root;
        for (String name : names) {
            target = target.getSubcommands().get(name);
            if (target == null) {
                throw new CommandLine.ParameterException(self, "Unknown command: '" + String.join(" ", names)
                        + "'");
            }
        }
        target.usage(out, colors);
    }

    static String globalOptions(CommandLine root, Help.ColorScheme colors) {
        Help help = new Help(root.getCommandSpec(), colors);
        List<OptionSpec> globals = root.getCommandSpec().options().stream()
                .filter(o -> o.scopeType() == CommandLine.ScopeType.INHERIT && !o.hidden())
                .collect(Collectors.toList());
        return "Global options: every command accepts them, before or after its name.\n"
                + help.optionListExcludingGroups(globals, help.createDefaultLayout(), Comparator.comparingInt(OptionSpec::order), help.parameterLabelRenderer());
    }
}
