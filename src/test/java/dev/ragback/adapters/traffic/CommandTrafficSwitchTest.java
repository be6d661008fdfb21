package dev.ragback.adapters.traffic;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTrafficSwitchTest {
    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path script = Files.writeString(dir.resolve("lb.sh"), "#!/bin/sh\n" + body + "\n");
        script.toFile().setExecutable(true);
        return script;
    }

    @Test
    void runsTheArgvWithThePercentAndNoShell() throws IOException {
        Path seen = dir.resolve("seen");
        Path script = script("for a in \"$@\"; do printf '%s\\n' \"$a\" >> '" + seen + "'; done");
        new CommandTrafficSwitch(List.of(script.toString(), "set", "--weight={percent}", "$(touch " + dir.resolve("pwned") + ")", "a b"))
                .set(25);
        assertEquals(List.of("set", "--weight=25", "$(touch " + dir.resolve("pwned") + ")", "a b"), Files.readAllLines(seen));
        assertFalse(Files.exists(dir.resolve("pwned")), "no shell ran the argument");
    }

    @Test
    void aNonZeroExitFailsExternalWithTheTailOfStderr() throws IOException {
        Path script = script("echo 'connecting to lb' >&2; echo 'lb: backend pool rag not found' >&2; exit 3");
        RagbackException failure = assertThrows(RagbackException.class, () -> new CommandTrafficSwitch(List.of(script.toString(), "{percent}")).set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().startsWith("traffic.command (" + script + ") exited 3 setting traffic to 0 %: connecting to lb | lb: backend pool rag not found"),
                failure.getMessage());
    }

    @Test
    void aHangingCommandIsKilledAfterTheTimeout() throws IOException {
        Path script = script("sleep 30");
        RagbackException failure = assertThrows(RagbackException.class,
                () -> new CommandTrafficSwitch(List.of(script.toString()), Duration.ofMillis(300)).set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("did not finish within"), failure.getMessage());
    }

    @Test
    void aMissingProgramFailsExternal() {
        RagbackException failure = assertThrows(RagbackException.class,
                () -> new CommandTrafficSwitch(List.of(dir.resolve("no-such-lb").toString(), "{percent}")).set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().startsWith("cannot run traffic.command"), failure.getMessage());
    }

    @Test
    void itCannotReadBackAndSaysSoByAnEmptyPercent() {
        assertTrue(new CommandTrafficSwitch(List.of("/bin/true")).percent().isEmpty());
    }

    @Test
    void withoutACommandItIsAConfigurationError() {
        RagbackException failure = assertThrows(RagbackException.class, () -> new CommandTrafficSwitch(null).set(0));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertEquals("traffic.mode is command but traffic.command is not set", failure.getMessage());
    }
}
