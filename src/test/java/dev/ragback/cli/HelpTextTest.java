package dev.ragback.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14 item 15: examples, per-command exit codes, no split names, global options once and in a stable order. */
class HelpTextTest {
    private static final Set<String> SPEC_CODES = Set.of("0", "1", "2", "3", "4", "5", "130");
    private static final List<String> GLOBALS = List.of("--config", "--set", "--json", "-v", "-q", "--no-color");
    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());
    private static final Pattern DOTTED_OR_SLASHED = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(?:[./][A-Za-z0-9_*-]+)+");
    private static final Pattern OPTION_AT_LINE_END = Pattern.compile("(--[a-z][a-z0-9-]*)$");

    private static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        collect(Cli.fullTree(new Session(NOWHERE, NOWHERE, Map.of(), false, () -> null)), all);
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(c -> collect(c, into));
    }

    private static String help(CommandLine command) {
        StringWriter text = new StringWriter();
        command.usage(new PrintWriter(text), CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return text.toString();
    }

    private static String help(CommandLine command, int width) {
        command.setUsageHelpAutoWidth(false);
        command.setUsageHelpWidth(width);
        try {
            return help(command);
        } finally {
            command.setUsageHelpWidth(80);
            command.setUsageHelpAutoWidth(true);
        }
    }

    private static String path(CommandLine command) {
        return command.getCommandSpec().qualifiedName();
    }

    @Test
    void everyCommandHasOneToThreeExamplesOfItself() {
        List<String> missing = new ArrayList<>();
        for (CommandLine command : everyCommand()) {
            String help = help(command);
            int at = help.indexOf("\nExamples:\n");
            List<String> examples = at < 0 ? List.of() : help.substring(at).lines()
                    .filter(l -> l.startsWith("  ragback")).collect(Collectors.toList());
            boolean own = examples.stream().allMatch(l -> l.startsWith("  " + path(command) + " ") || l.equals("  " + path(command)));
            boolean topLevel = command.getParent() == null; // its examples name subcommands
            if (examples.isEmpty() || examples.size() > 3 || !(own || topLevel)) {
                missing.add(path(command) + " " + examples);
            }
        }
        assertEquals(List.of(), missing, "commands without 1-3 examples of their own");
    }

    @Test
    void topLevelExamplesStartWithRollbackAuto() {
        String help = CliRun.of("--help").out();
        String firstExample = help.substring(help.indexOf("\nExamples:\n")).lines()
                .filter(l -> l.startsWith("  ragback")).findFirst().orElseThrow();
        assertTrue(firstExample.startsWith("  ragback rollback auto --reason "), firstExample);
    }

    @Test
    void everyCommandListsItsOwnExitCodesFromTheSpec() {
        Map<String, String> generic = everyCommand().get(0).getCommandSpec().usageMessage().exitCodeList();
        List<String> wrong = new ArrayList<>();
        for (CommandLine command : everyCommand()) {
            Map<String, String> codes = command.getCommandSpec().usageMessage().exitCodeList();
            Set<String> keys = codes.keySet().stream().map(String::strip).collect(Collectors.toSet());
            boolean inherited = command.getParent() != null && codes.equals(generic);
            if (codes.isEmpty() || !SPEC_CODES.containsAll(keys) || !keys.contains("0") || inherited
                    || !help(command).contains("\nExit codes:\n")) {
                wrong.add(path(command) + " " + keys);
            }
        }
        assertEquals(List.of(), wrong, "commands without their own exit codes from SPEC section 3");
    }

    @Test
    void noNameIsSplitAcrossLinesAt80Columns() {
        Set<String> optionNames = new TreeSet<>();
        List<CommandLine> all = everyCommand();
        all.forEach(c -> c.getCommandSpec().options().forEach(o -> optionNames.addAll(List.of(o.names()))));
        List<String> split = new ArrayList<>();
        for (CommandLine command : all) {
            List<String> lines = help(command).lines().collect(Collectors.toList());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                assertFalse(line.length() > 80, path(command) + ": wider than 80: " + line);
                Matcher option = OPTION_AT_LINE_END.matcher(line);
                if (option.find() && !optionNames.contains(option.group(1))) {
                    split.add(path(command) + ": " + line);
                }
                if (line.matches(".*\\S*[a-z]-$")) {
                    split.add(path(command) + ": " + line); // a hyphenated name cut at a hyphen
                }
            }
        }
        assertEquals(List.of(), split);
    }

    @Test
    void dottedKeysAndPathsStayOnOneLineAtEveryWidth() {
        List<String> split = new ArrayList<>();
        for (CommandLine command : everyCommand()) {
            Map<String, Long> names = new TreeMap<>();
            Matcher name = DOTTED_OR_SLASHED.matcher(help(command, 400));
            while (name.find()) {
                names.merge(name.group(), 1L, Long::sum);
            }
            for (int width : new int[]{60, 72, 80, 100, 120}) {
                String text = help(command, width);
                text.lines().filter(l -> l.length() > width)
                        .forEach(l -> split.add(path(command) + " @" + width + ": wider than " + width + ": " + l));
                names.forEach((each, count) -> {
                    if (occurrences(text, each) != count) {
                        split.add(path(command) + " @" + width + ": " + each);
                    }
                });
            }
        }
        assertEquals(List.of(), split, "names cut across lines");
    }

    @Test
    void aBreakAfterADotInsideANameIsMendedAndTheLineStaysInItsWidth() {
        List<String> lines = new ArrayList<>(List.of("Threshold (default: eval.", "  thresholds) for the run", "Next."));
        NameSafeWrap.mend(lines, "Threshold (default: eval.thresholds) for the run\nNext.", 26);
        assertEquals(List.of("Threshold (default:", "  eval.thresholds) for the", "  run", "Next."), lines);

        List<String> alone = new ArrayList<>(List.of("  eval-quick  Check", "                eval.", "                mode judge scores"));
        NameSafeWrap.mend(alone, "Check eval.mode judge scores", 40);
        assertEquals(List.of("  eval-quick  Check", "                eval.mode judge scores"), alone, "a name's head alone on a line");

        List<String> sentence = new ArrayList<>(List.of("The run stopped.", "Resume it."));
        NameSafeWrap.mend(sentence, "The run stopped. Resume it.", 30);
        assertEquals(List.of("The run stopped.", "Resume it."), sentence, "a break between sentences stays");
    }

    private static long occurrences(String text, String name) {
        long n = 0;
        for (int at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void globalOptionsAreListedOnceByHelpOptionsInDeclaredOrder() {
        CliRun run = CliRun.of("help", "options");
        assertEquals(0, run.exitCode(), run.err());
        List<String> listed = run.out().lines().map(String::strip).filter(l -> l.startsWith("-"))
                .map(l -> l.split("[ =,]")[0]).collect(Collectors.toList());
        assertEquals(GLOBALS, listed);
        assertEquals(GLOBALS, globalsIn(CliRun.of("--help").out()), "top-level help: same order, each once");
        assertEquals(CliRun.of("help", "options").out(), run.out(), "stable from run to run");
    }

    @Test
    void commandHelpPointsToTheGlobalOptionsInsteadOfRepeatingThem() {
        for (CommandLine command : everyCommand()) {
            if (command.getParent() == null) {
                continue;
            }
            String help = help(command);
            assertTrue(help.contains(HelpLayout.GLOBAL_POINTER), path(command));
            assertEquals(List.of(), globalsIn(help), path(command) + " repeats the global options");
        }
    }

    @Test
    void helpKeepsPrintingTheTopLevelHelpAndRefusesUnknownTopics() {
        assertEquals(CliRun.of("--help").out(), CliRun.of("help").out());
        assertTrue(CliRun.of("help", "rollback", "auto").out().startsWith("Usage: ragback rollback auto --reason=REASON"));
        CliRun unknown = CliRun.of("help", "nope");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown command: 'nope'"), unknown.err());
    }

    private static List<String> globalsIn(String help) {
        return help.lines().map(String::strip).filter(l -> l.startsWith("-"))
                .map(l -> l.split("[ =,]")[0]).filter(GLOBALS::contains).collect(Collectors.toList());
    }

    @Test
    void descriptionsAreSentences() {
        List<String> notSentences = new ArrayList<>();
        for (CommandLine command : everyCommand()) {
            var spec = command.getCommandSpec();
            List<String> texts = new ArrayList<>(List.of(String.join(" ", spec.usageMessage().description())));
            spec.options().forEach(o -> texts.add(String.join(" ", o.description())));
            spec.positionalParameters().forEach(p -> texts.add(String.join(" ", p.description())));
            spec.usageMessage().exitCodeList().values().forEach(texts::add);
            texts.stream().map(String::strip).filter(t -> !t.matches("(?s)[A-Z'].*\\."))
                    .forEach(t -> notSentences.add(path(command) + ": " + t));
        }
        assertEquals(List.of(), notSentences);
    }
}
