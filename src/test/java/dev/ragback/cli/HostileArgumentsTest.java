package dev.ragback.cli;

import dev.ragback.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile names on the command line of every command that takes one are refused before anything is
 * contacted: exit 2, the last stderr line one "ragback: ..." line, no stack trace. Run in this JVM
 * (Main.run in an empty directory); HostileNamesCliIT shows the same values crossing a real argv.
 */
public class HostileArgumentsTest {
    // NUL cannot travel in argv; HostileNamesTest covers it and the rest of the list
    public static final List<String> VALUES = List.of("../etc", "v1\nragback: ok", "a".repeat(10_240),
            "\uFF0E\uFF0E\uFF0F", "v1\u202E0");

    @TempDir
    Path work;

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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), Map.of("HOME", work.toString()), work,
                new BufferedReader(Reader.nullReader()), false, args.toArray(String[]::new));

        assertRefusedInOneLine(code, err.toString(), "exit " + code + "\n" + err);
    }

    /** Exit 2 and one last "ragback: ..." line saying why, no stack trace, no line forged by a newline in the value. */
    public static void assertRefusedInOneLine(int exitCode, String stderr, String shown) {
        assertEquals(2, exitCode, shown);
        List<String> lines = stderr.lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("ragback: "), shown);
        assertTrue(last.contains("not allowed") || last.contains("must"), shown);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), shown);
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("ragback: ok")), "a newline in a value forged a line");
    }
}
