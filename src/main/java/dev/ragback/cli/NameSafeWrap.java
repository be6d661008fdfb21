package dev.ragback.cli;

import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mends the lines picocli wraps inside a name: its line breaker breaks after a dot or a slash, so
 * {@code eval.judge_url} or {@code ops/postmortems/x.md} could end a line half-way. A break is
 * inside a name when the help's own text has the two halves joined and never with a space between.
 */
final class NameSafeWrap implements IHelpSectionRenderer {
    private final IHelpSectionRenderer section;

    private NameSafeWrap(IHelpSectionRenderer section) {
        this.section = section;
    }

    static IHelpSectionRenderer around(IHelpSectionRenderer section) {
        return section instanceof NameSafeWrap ? section : new NameSafeWrap(section);
    }

    @Override
    public String render(Help help) {
        String rendered = section.render(help);
        if (rendered.isEmpty()) {
            return rendered;
        }
        String eol = System.lineSeparator();
        List<String> lines = new ArrayList<>(Arrays.asList(rendered.split("\\R", -1)));
        mend(lines, source(help.commandSpec()), help.commandSpec().usageMessage().width());
        return String.join(eol, lines);
    }

    static void mend(List<String> lines, String source, int width) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            String line = lines.get(i);
            String next = lines.get(i + 1);
            int cut = line.lastIndexOf(' ') + 1;
            int indent = indentOf(next);
            if (line.isBlank() || next.isBlank() || cut == 0 || line.endsWith(" ")) {
                continue;
            }
            String head = line.substring(cut);
            String tail = next.substring(indent).split(" ", 2)[0];
            if (!source.contains(head + tail) || source.contains(head + " " + tail)) {
                continue;
            }
            String rest = line.substring(0, cut).stripTrailing();
            if (rest.isEmpty()) {
                lines.remove(i--);
            } else {
                lines.set(i, rest);
            }
            String joined = " ".repeat(indent) + head + next.substring(indent);
            int at = i + 1;
            while (joined.length() > width && joined.lastIndexOf(' ', width) > indent) {
                int space = joined.lastIndexOf(' ', width);
                lines.set(at, joined.substring(0, space));
                joined = " ".repeat(indent) + joined.substring(space + 1);
                lines.add(++at, joined);
            }
            lines.set(at, joined);
        }
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static String source(CommandSpec spec) {
        StringBuilder text = new StringBuilder();
        UsageMessageSpec usage = spec.usageMessage();
        append(text, usage.header());
        append(text, usage.description());
        append(text, usage.footer());
        usage.exitCodeList().values().forEach(v -> append(text, v));
        for (ArgSpec arg : spec.args()) {
            append(text, arg.description());
        }
        spec.subcommands().values().forEach(sub -> append(text, sub.getCommandSpec().usageMessage().description()));
        return text.toString();
    }

    private static void append(StringBuilder text, String... parts) {
        for (String part : parts) {
            text.append(part.replace("%n", "\n")).append('\n');
        }
    }
}
