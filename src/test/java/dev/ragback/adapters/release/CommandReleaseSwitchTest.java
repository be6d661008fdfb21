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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command switch driving a tiny deploy tool written in sh that keeps the live version in a file. */
class CommandReleaseSwitchTest {
    @TempDir
    Path dir;

    private Path live;
    private Path deploy;
    private CommandReleaseSwitch releases;

    @BeforeEach
    void tool() throws IOException {
        live = Files.writeString(dir.resolve("live"), "v2.0.0\n");
        deploy = Files.writeString(dir.resolve("deploy.sh"), """
                #!/bin/sh
                case "$1" in
                  current) cat '%1$s' ;;
                  activate) [ "$2" = broken ] && { echo "deploy: image $2 not found" >&2; exit 4; }; printf '%%s\\n' "$2" > '%1$s' ;;
                esac
                """.formatted(live));
        deploy.toFile().setExecutable(true);
        releases = new CommandReleaseSwitch(List.of(deploy.toString(), "current"), List.of(deploy.toString(), "activate", "{version}"),
                dir.resolve("state"));
    }

    @Test
    void currentIsWhatTheCommandPrints() throws IOException {
        assertEquals(Optional.of("v2.0.0"), releases.current());
        Files.writeString(live, "");
        assertEquals(Optional.empty(), releases.current());
    }

    @Test
    void activateRunsTheCommandWithTheVersion() {
        releases.activate("v1.1.0");
        assertEquals(Optional.of("v1.1.0"), releases.current());
    }

    @Test
    void aFailedActivationFailsExternalWithStderr() {
        RagbackException failure = assertThrows(RagbackException.class, () -> releases.activate("broken"));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().endsWith("exited 4 activating broken: deploy: image broken not found"), failure.getMessage());
    }

    @Test
    void greenMarksLiveInAStateFileAndTheReleasesAreTheGreenOnesPlusCurrent() throws IOException {
        releases.markGreen("v1.10.0");
        releases.markGreen("v1.2.0");
        releases.markGreen("v1.2.0");
        assertEquals("v1.2.0\nv1.10.0\n", Files.readString(dir.resolve("state").resolve("green")));
        assertEquals(List.of(new Release("v1.2.0", true), new Release("v1.10.0", true), new Release("v2.0.0", false)),
                releases.releases());
    }

    @Test
    void whatTheCommandsPrintIsCheckedLikeAnyOutsideName() throws IOException {
        Files.writeString(live, "../../etc\n");
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, assertThrows(RagbackException.class, releases::current).kind());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> releases.activate("v1/x")).kind());
    }

    @Test
    void aBadLineInTheGreenFileIsMalformedNamingTheLine() throws IOException {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state").resolve("green"), "v1.0.0\nv1 .1\n");
        RagbackException failure = assertThrows(RagbackException.class, releases::releases);
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertTrue(failure.getMessage().contains("green:2:"), failure.getMessage());
    }

    @Test
    void missingCommandsAreAConfigurationErrorNamingTheKey() {
        CommandReleaseSwitch unset = new CommandReleaseSwitch(null, null, dir);
        assertEquals("release.mode is command but release.current_command is not set",
                assertThrows(RagbackException.class, unset::current).getMessage());
        assertEquals("release.mode is command but release.activate_command is not set",
                assertThrows(RagbackException.class, () -> unset.activate("v1.0.0")).getMessage());
    }
}
