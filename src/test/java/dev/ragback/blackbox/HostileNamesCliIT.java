package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile names on the command line are refused before anything is contacted: exit 2, the last
 * stderr line one "ragback: ..." line, no stack trace. No Qdrant or PostgreSQL runs here.
 */
@BlackBox
class HostileNamesCliIT {
    // NUL cannot travel in argv; HostileNamesTest covers it and the rest of the list
    private static final List<String> VALUES = List.of("../etc", "v1\nragback: ok", "a".repeat(10_240),
            "\uFF0E\uFF0E\uFF0F", "v1\u202E0");

    @TempDir
    Path work;

    private RagbackCli cli;

    @BeforeEach
    void setUp() {
        cli = RagbackCli.create().workDir(work);
    }

    static Stream<Arguments> commands() {
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < VALUES.size(); i++) {
            String value = VALUES.get(i);
            cases.add(Arguments.of(i, List.of("snapshot", "verify", value)));
            cases.add(Arguments.of(i, List.of("snapshot", "promote", value)));
            cases.add(Arguments.of(i, List.of("qdrant", "recover", "--yes", value)));
            cases.add(Arguments.of(i, List.of("qdrant", "recover", "--yes", "--collection", value, "docs-1.snapshot")));
            cases.add(Arguments.of(i, List.of("release", "mark-green", value)));
            cases.add(Arguments.of(i, List.of("rollback", "auto", "--yes", "--reason", value)));
            cases.add(Arguments.of(i, List.of("rollback", "auto", "--yes", "--resume", value)));
            cases.add(Arguments.of(i, List.of("postmortem", value)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "value {0}: {1}")
    @MethodSource("commands")
    void refusedWithExit2AndOneLine(int valueIndex, List<String> args) {
        RagbackCli.Result result = cli.run(args.toArray(String[]::new));

        assertEquals(2, result.exitCode(), result::toString);
        List<String> lines = result.stderrLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("ragback: "), result::toString);
        assertTrue(last.contains("not allowed") || last.contains("must"), result::toString);
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result::toString);
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("ragback: ok")), "a newline in a value forged a line");
    }
}
