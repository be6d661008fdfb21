package dev.ragback.testing.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks the helper itself against a throwaway script standing in for bin/ragback. */
class RagbackCliTest {
    private Path script;

    @BeforeEach
    void writeScript(@TempDir Path bin) throws IOException {
        script = bin.resolve("fake-ragback");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "case \"$1\" in",
                "  env) env | sort ;;",
                "  pwd) pwd ;;",
                "  args) shift; for a in \"$@\"; do echo \"[$a]\"; done ;;",
                "  stdin) cat ;;",
                "  fail) echo 'on stderr' >&2; exit 7 ;;",
                "  hang) sleep 30 ;;",
                "esac", ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void underAShellThatIgnoresSigintTheProgramStillStartsWithSigintAtItsDefault() throws Exception {
        assertEquals(List.of(), RagbackCli.interruptiblePrefix("Name:\tjava\nSigIgn:\t0000000000001000\n"));
        List<String> prefix = RagbackCli.interruptiblePrefix("Name:\tjava\nSigIgn:\t0000000000000006\n");
        assertEquals(List.of("env", "--default-signal=INT"), prefix);
        List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        argv.addAll(prefix);
        argv.addAll(List.of("grep", "^SigIgn:", "/proc/self/status"));
        Process child = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String line = new String(child.getInputStream().readAllBytes()).trim();
        assertEquals(0, child.waitFor(), line);
        assertEquals(List.of(), RagbackCli.interruptiblePrefix(line), line);
    }

    @Test
    void theEnvironmentIsIsolated() {
        RagbackCli cli = new RagbackCli(script).env("PGHOST", "db.example");
        List<String> names = cli.run("env").assertExit(0).stdoutLines().stream()
                .map(line -> line.substring(0, line.indexOf('='))).toList();
        assertTrue(names.containsAll(List.of("HOME", "LANG", "PATH", "PGHOST")), names.toString());
        assertFalse(names.contains("USER"), names.toString());
        assertTrue(cli.run("env").stdout().contains("HOME=" + cli.home() + "\n"));
        assertTrue(cli.run("env").stdout().contains("LANG=C.UTF-8\n"));
    }

    @Test
    void argumentsArriveUntouched() {
        RagbackCli.Result result = new RagbackCli(script).run("args", "two words", "$HOME", "'quoted'; rm -rf /");
        assertEquals(List.of("[two words]", "[$HOME]", "['quoted'; rm -rf /]"), result.stdoutLines());
    }

    @Test
    void workingDirectoryIsFreshUnlessChosen(@TempDir Path chosen) throws IOException {
        RagbackCli fresh = new RagbackCli(script);
        assertEquals(fresh.workDir().toRealPath().toString(), fresh.run("pwd").stdout().trim());
        assertEquals(chosen.toRealPath().toString(), new RagbackCli(script).workDir(chosen).run("pwd").stdout().trim());
    }

    @Test
    void stdinIsFedOrEmpty() {
        assertEquals("line one\nline two\n", new RagbackCli(script).stdin("line one\nline two\n").run("stdin").stdout());
        assertEquals("", new RagbackCli(script).run("stdin").stdout());
    }

    @Test
    void exitCodeAndStderrAreCaptured() {
        RagbackCli.Result result = new RagbackCli(script).run("fail");
        assertEquals(7, result.exitCode());
        assertEquals("on stderr\n", result.stderr());
        AssertionError mismatch = assertThrows(AssertionError.class, () -> result.assertExit(0));
        assertTrue(mismatch.getMessage().contains("on stderr"), mismatch.getMessage());
    }

    @Test
    void aRunThatOutlivesTheTimeoutIsKilled() {
        long started = System.nanoTime();
        AssertionError timeout = assertThrows(AssertionError.class,
                () -> new RagbackCli(script).timeout(Duration.ofMillis(500)).run("hang"));
        assertTrue(timeout.getMessage().contains("did not finish within"), timeout.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10);
    }
}
