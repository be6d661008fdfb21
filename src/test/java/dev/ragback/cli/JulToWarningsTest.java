package dev.ragback.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The PostgreSQL driver's java.util.logging warnings read as ragback's own: "warning: ..." on stderr. */
class JulToWarningsTest {
    @Test
    void aDriverWarningIsOneWarningLine() {
        Logger root = LogManager.getLogManager().getLogger("");
        Handler[] before = root.getHandlers();
        Level levelBefore = root.getLevel();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            new JulToWarnings();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Logger.getLogger("org.postgresql.Driver").log(Level.WARNING, "JDBC URL contains too many / characters: {0}", "jdbc:x");
            Logger.getLogger("org.postgresql.Driver").fine("not at the default level");
        } finally {
            System.setErr(err);
            for (Handler handler : root.getHandlers()) {
                root.removeHandler(handler);
            }
            for (Handler handler : before) {
                root.addHandler(handler);
            }
            root.setLevel(levelBefore);
        }
        assertEquals("warning: JDBC URL contains too many / characters: jdbc:x\n", captured.toString(StandardCharsets.UTF_8));
    }
}
