package dev.ragback.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Start-up builds picocli's model only for the command an invocation names. */
class CommandTreeTest {
    private static final List<String> ALL = RagbackCommand.SUBCOMMANDS.stream()
            .map(c -> c.getAnnotation(CommandLine.Command.class).name()).collect(Collectors.toList());

    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());

    private static List<String> built(String... args) {
        return List.copyOf(Cli.commandTree(new Factory(new Session(NOWHERE, NOWHERE, Map.of(), false, () -> null)), args).getSubcommands().keySet());
    }

    @Test
    void onlyTheNamedCommandIsBuilt() {
        assertEquals(List.of("compat"), built("compat", "check", "--binary", "v1"));
        assertEquals(List.of("snapshot"), built("--config", "snapshot", "snapshot", "list"), "the value of --config is not a command");
        assertEquals(List.of("rollback"), built("-vv", "--set", "a=b", "--json", "rollback", "auto"));
        assertEquals(List.of("doctor"), built("--config=x.yaml", "doctor"));
    }

    @Test
    void helpABareCallAndUnknownNamesGetEveryCommand() {
        assertEquals(15, ALL.size());
        List<String> withHelp = new java.util.ArrayList<>(ALL);
        withHelp.add("help");
        assertEquals(withHelp, built("--help"));
        assertEquals(withHelp, built());
        assertEquals(withHelp, built("help", "snapshot"), "ragback help COMMAND needs the command");
        assertEquals(withHelp, built("snapshto", "list"), "picocli's 'did you mean' needs every name");
        assertEquals(List.of(), built("--version"));
        assertEquals(List.of("verify"), built("verify", "--version"));
    }
}
