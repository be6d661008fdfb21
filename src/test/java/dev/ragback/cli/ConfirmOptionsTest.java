package dev.ragback.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ConfirmOptions mixins keep each command's own help wording for --yes, --dry-run and --break-lock. */
class ConfirmOptionsTest {
    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());
    private static final String REQUIRED = "Do not ask for confirmation (required without a terminal).";
    private static final String NEEDED = "Do not ask for confirmation (needed without a terminal).";
    private static final String WHAT_WOULD_HAPPEN = "Print what would happen; change nothing.";

    private static Map<String, String> described(String option) {
        Map<String, String> found = new TreeMap<>();
        walk(Cli.fullTree(new Session(NOWHERE, NOWHERE, Map.of(), false, () -> null)), option, found);
        return found;
    }

    private static void walk(CommandLine command, String option, Map<String, String> found) {
        CommandLine.Model.OptionSpec spec = command.getCommandSpec().findOption(option);
        if (spec != null) {
            found.put(command.getCommandSpec().qualifiedName(" "), String.join(" ", spec.description()));
        }
        command.getSubcommands().values().forEach(sub -> walk(sub, option, found));
    }

    @Test
    void yesKeepsEachCommandsWording() {
        assertEquals(new TreeMap<>(Map.of(
                "ragback migrate down", NEEDED,
                "ragback qdrant drop", REQUIRED,
                "ragback qdrant prune-snapshots", REQUIRED,
                "ragback qdrant recover", REQUIRED,
                "ragback qdrant switch-alias", REQUIRED,
                "ragback revert last-green", NEEDED,
                "ragback rollback auto", REQUIRED,
                "ragback snapshot prune", REQUIRED,
                "ragback snapshot restore", REQUIRED,
                "ragback traffic set", NEEDED)), described("--yes"));
    }

    @Test
    void dryRunKeepsEachCommandsWording() {
        assertEquals(new TreeMap<>(Map.of(
                "ragback migrate down", "Print the plan and change nothing.",
                "ragback qdrant drop", WHAT_WOULD_HAPPEN,
                "ragback qdrant prune-snapshots", "Print what would be deleted; change nothing.",
                "ragback qdrant recover", WHAT_WOULD_HAPPEN,
                "ragback revert last-green", "Print the plan and change nothing (exit 0; 3 when the revert would be blocked).",
                "ragback rollback auto", "Print the plan; change nothing.",
                "ragback snapshot prune", "Print what would be removed; change nothing.",
                "ragback snapshot restore", "Verify and print the plan; change nothing.")), described("--dry-run"));
    }

    @Test
    void breakLockKeepsEachCommandsWording() {
        assertEquals(Map.of(
                "ragback rollback auto", "Take over a lease left by a rollback whose process is gone (journaled).",
                "ragback snapshot restore", "Take over a run lease left by a ragback process that is gone."), described("--break-lock"));
    }
}
