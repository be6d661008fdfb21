package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ragback completion bash: the script bash really loads, and it completes command names. */
@BlackBox
class CompletionCliIT {
    @TempDir
    Path work;

    private String bash(String script) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), output);
        return output;
    }

    @Test
    void bashLoadsTheScriptAndCompletesSnapToSnapshot() throws Exception {
        RagbackCli.Result result = RagbackCli.create().workDir(work).run("completion", "bash").assertExit(0);
        Path script = Files.writeString(work.resolve("ragback.bash"), result.stdout());
        String registered = bash("source " + script + "; complete -p ragback");
        assertTrue(registered.contains("ragback"), registered);
        String function = registered.replaceAll("(?s).*-F (\\S+).*", "$1").strip();
        // compopt complains outside a real completion; COMPREPLY is what bash would offer
        String completed = bash("source " + script + "; COMP_WORDS=(ragback snap); COMP_CWORD=1; COMP_LINE='ragback snap'; "
                + "COMP_POINT=${#COMP_LINE}; " + function + " ragback snap ragback 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertEquals("snapshot", completed.strip(), completed);
    }

    @Test
    void zshGetsTheSameScriptBehindBashcompinitAndAnUnknownShellIsAUsageError() {
        RagbackCli cli = RagbackCli.create().workDir(work);
        assertTrue(cli.run("completion", "zsh").assertExit(0).stdout().startsWith("autoload -U +X compinit"));
        assertTrue(cli.run("completion", "fish").assertExit(2).stderr().contains("SHELL must be bash or zsh"));
    }
}
