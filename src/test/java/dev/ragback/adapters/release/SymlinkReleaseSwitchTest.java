package dev.ragback.adapters.release;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ReleaseSwitch.Release;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymlinkReleaseSwitchTest {
    @TempDir
    Path root;

    private Path dir;
    private SymlinkReleaseSwitch releases;

    @BeforeEach
    void layout() throws IOException {
        dir = root.resolve("releases");
        for (String version : new String[] {"v1.10.0", "v1.2.0", "v2.0.0"}) {
            Files.createDirectories(dir.resolve(version).resolve("bin"));
        }
        Files.writeString(dir.resolve("v1.2.0").resolve(".green"), "2026-11-01T00:00:00Z\n");
        Files.writeString(dir.resolve("README"), "not a release");
        Files.createDirectories(dir.resolve(".staging"));
        Files.createSymbolicLink(dir.resolve("current"), Path.of("v2.0.0"));
        releases = new SymlinkReleaseSwitch(dir);
    }

    @Test
    void releasesAreTheVersionDirectoriesInSemanticOrderWithTheirGreenMark() {
        assertEquals(List.of(new Release("v1.2.0", true), new Release("v1.10.0", false), new Release("v2.0.0", false)),
                releases.releases());
    }

    @Test
    void currentIsWhereTheLinkPoints() throws IOException {
        assertEquals(Optional.of("v2.0.0"), releases.current());
        Files.delete(dir.resolve("current"));
        Files.createSymbolicLink(dir.resolve("current"), dir.resolve("v1.2.0").toAbsolutePath());
        assertEquals(Optional.of("v1.2.0"), releases.current(), "an absolute link works too");
    }

    @Test
    void noLinkMeansNoCurrentRelease() throws IOException {
        Files.delete(dir.resolve("current"));
        assertEquals(Optional.empty(), releases.current());
    }

    @Test
    void aMissingDirectoryHasNoReleases() {
        SymlinkReleaseSwitch none = new SymlinkReleaseSwitch(root.resolve("nothing"));
        assertEquals(List.of(), none.releases());
        assertEquals(Optional.empty(), none.current());
    }

    @Test
    void activateSwapsTheLinkForANewOneAndLeavesNoTempLinks() throws IOException {
        Object inodeBefore = Files.getAttribute(dir.resolve("current"), "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        releases.activate("v1.2.0");
        Path link = dir.resolve("current");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("v1.2.0"), Files.readSymbolicLink(link), "relative target, so the tree can move");
        assertTrue(Files.isDirectory(link.resolve("bin")));
        assertTrue(!inodeBefore.equals(Files.getAttribute(link, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS)),
                "a new link was renamed over the old one");
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(".staging"), entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
        releases.activate("v1.2.0");
        assertEquals(Optional.of("v1.2.0"), releases.current(), "activating twice is harmless");
    }

    @Test
    void activateCreatesTheFirstLink() throws IOException {
        Files.delete(dir.resolve("current"));
        releases.activate("v1.10.0");
        assertEquals(Optional.of("v1.10.0"), releases.current());
    }

    @Test
    void activateRefusesUnknownAndUnsafeVersions() {
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> releases.activate("v9.9.9")).kind());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> releases.activate("../releases")).kind());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> releases.activate("v1/../../x")).kind());
        assertEquals(Optional.of("v2.0.0"), releases.current());
    }

    @Test
    void aCurrentThatIsARealDirectoryIsMalformedAndIsNotReplaced() throws IOException {
        Files.delete(dir.resolve("current"));
        Files.createDirectories(dir.resolve("current"));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, assertThrows(RagbackException.class, releases::current).kind());
        RagbackException failure = assertThrows(RagbackException.class, () -> releases.activate("v1.2.0"));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertTrue(Files.isDirectory(dir.resolve("current")) && !Files.isSymbolicLink(dir.resolve("current")));
    }

    @Test
    void aLinkToSomethingThatIsNotAReleaseIsMalformed() throws IOException {
        Files.delete(dir.resolve("current"));
        Files.createSymbolicLink(dir.resolve("current"), Path.of("v3.0.0"));
        RagbackException failure = assertThrows(RagbackException.class, releases::current);
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertTrue(failure.getMessage().contains("points at 'v3.0.0', which is not a release directory"), failure.getMessage());
    }

    @Test
    void markGreenWritesTheMarkerInsideTheRelease() {
        releases.markGreen("v1.10.0");
        assertTrue(Files.isRegularFile(dir.resolve("v1.10.0").resolve(".green")));
        assertTrue(releases.releases().stream().filter(r -> r.version().equals("v1.10.0")).findFirst().orElseThrow().green());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> releases.markGreen("v7.0.0")).kind());
    }
}
