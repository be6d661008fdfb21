package dev.ragback.cli;

import dev.ragback.app.Progress;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress follows stderr: drawn when stderr is a terminal, whatever stdout is (e.g. --json > file). */
class SessionProgressTest {
    private final StringWriter err = new StringWriter();

    private Session session(boolean terminal, boolean stderrTerminal) {
        return new Session(new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of(), terminal, stderrTerminal, () -> null);
    }

    @Test
    void stdoutRedirectedButStderrOnATerminalStillShowsProgress() {
        Progress progress = session(false, true).progress();
        progress.stage("qdrant", "download");
        assertTrue(err.toString().contains("qdrant: download"), err.toString());
    }

    @Test
    void stderrRedirectedShowsNoneEvenWithATerminalOnStdout() {
        assertSame(Progress.NONE, session(true, false).progress());
        assertEquals("", err.toString());
    }

    @Test
    void afterDoneATransferStillRunningDrawsNothingOverTheLinesThatFollow() {
        Progress progress = session(false, true).progress();
        progress.stage("qdrant", "upload");
        progress.done();
        int cleared = err.toString().length();
        progress.stage("qdrant", "upload");
        progress.bytes("postgres", 1 << 20);
        progress.done();
        assertEquals(cleared, err.toString().length(), "drawn after done (Ctrl-C): " + err);
    }
}
