package dev.ragback.app;

import dev.ragback.adapters.release.SymlinkReleaseSwitch;
import dev.ragback.app.rollback.RollbackService;
import dev.ragback.app.snapshot.BackupsDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every name from outside, made hostile, is refused as a usage error (exit 2) before it reaches a path or URL. */
public class HostileNamesTest {
    @TempDir
    Path dir;

    /** Hostile names with a label for the test report; also used by the adapter tests. */
    public static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("parent", "../etc"),
                Arguments.of("parent at the end", "v1/.."),
                Arguments.of("absolute path", "/x/y"),
                Arguments.of("backslash", "..\\x"),
                Arguments.of("NUL", "v1\u0000.0"),
                Arguments.of("newline", "v1\nragback: fake"),
                Arguments.of("carriage return", "v1\rx"),
                Arguments.of("tab", "v1\tx"),
                Arguments.of("10 kB", "a".repeat(10_240)),
                Arguments.of("empty", ""),
                Arguments.of("space", "v1 0"),
                Arguments.of("fullwidth dots and solidus", "\uFF0E\uFF0E\uFF0F"),
                Arguments.of("fullwidth solidus", "a\uFF0Fb"),
                Arguments.of("division slash", "a\u2215b"),
                Arguments.of("fraction slash", "a\u2044b"),
                Arguments.of("one dot leader twice", "\u2024\u2024"),
                Arguments.of("right-to-left override", "v1\u202E0.1"),
                Arguments.of("zero-width space", "v1\u200B.0"),
                Arguments.of("byte order mark", "\uFEFFv1"),
                Arguments.of("no-break space", "v1\u00A0.0"),
                Arguments.of("ideographic space", "v1\u30000"),
                Arguments.of("line separator", "v1\u2028x"),
                Arguments.of("lone surrogate", "v1\uD800"),
                Arguments.of("tag character", "v1\uDB40\uDC01"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void namesRequireRefusesIt(String label, String name) {
        assertRefused(() -> Names.require("snapshot name", name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void snapshotIdIsRefused(String label, String id) {
        assertRefused(() -> new BackupsDir(dir).existing(id));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void releaseVersionIsRefused(String label, String version) throws IOException {
        Files.createDirectories(dir.resolve("v1"));
        SymlinkReleaseSwitch releases = new SymlinkReleaseSwitch(dir);
        assertRefused(() -> releases.markGreen(version));
        assertRefused(() -> releases.activate(version));
        assertFalse(Files.exists(dir.resolve("current")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void reasonAndRunIdAreRefused(String label, String value) {
        assertRefused(() -> RollbackService.checkReason(value));
        assertRefused(() -> RollbackService.checkRunId(value));
        if (!value.isEmpty()) {
            assertRefused(() -> RollbackService.checkRunId("rollback_1" + value));
        }
    }

    @Test
    void plainNamesStillPass() throws IOException {
        assertDoesNotThrow(() -> Names.require("release version", "v1.2.0-rc.1+build_7"));
        assertDoesNotThrow(() -> Names.require("collection name", "docs_r20250101-120000"));
        assertDoesNotThrow(() -> Names.require("label", "été"));
        Files.createDirectories(dir.resolve("v1"));
        assertDoesNotThrow(() -> new SymlinkReleaseSwitch(dir).markGreen("v1"));
        assertDoesNotThrow(() -> RollbackService.checkReason("faithfulness_drop"));
        assertDoesNotThrow(() -> RollbackService.checkRunId("rollback_1764300000"));
    }

    @Test
    void theMessageShowsHiddenCharactersEscaped() {
        RagbackException refused = assertThrows(RagbackException.class, () -> Names.require("id", "a\u202Eb\u200Bc\nd"));
        assertEquals("id 'a\\u202eb\\u200bc\\u000ad' is not allowed: it contains a control character", refused.getMessage());
    }

    /** Refused as USAGE, and nothing but a RagbackException escapes. */
    public static void assertRefused(Executable action) {
        RagbackException refused = assertThrows(RagbackException.class, action);
        assertEquals(RagbackException.Kind.USAGE, refused.kind(), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n") || refused.getMessage().contains("\r"), refused.getMessage());
    }
}
