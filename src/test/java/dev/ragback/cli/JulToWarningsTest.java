package dev.ragback.cli;

import org.junit.jupiter.api.Test;

import dev.ragback.cli.logging.SessionLog;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The PostgreSQL driver's java.util.logging warnings read as ragback's own: "warning: ..." on the session's stderr. */
class JulToWarningsTest {
    @Test
    void aDriverWarningIsOneWarningLine() {
        Logger root = LogManager.getLogManager().getLogger("");
        Handler[] before = root.getHandlers();
        Level levelBefore = root.getLevel();
        StringWriter captured = new StringWriter();
        Object previousLog = SessionLog.attach(new PrintWriter(captured, true), () -> SessionLog.Level.WARN);
        try {
            new JulToWarnings();
            Logger.getLogger("org.postgresql.Driver").log(Level.WARNING, "JDBC URL contains too many / characters: {0}", "jdbc:x");
            Logger.getLogger("org.postgresql.Driver").fine("not at the default level");
        } finally {
            SessionLog.restore(previousLog);
            for (Handler handler : root.getHandlers()) {
                root.removeHandler(handler);
            }
            for (Handler handler : before) {
                root.addHandler(handler);
            }
            root.setLevel(levelBefore);
        }
        assertEquals("warning: JDBC URL contains too many / characters: jdbc:x\n", captured.toString());
    }
}
