package dev.ragback.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.MessageFormat;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * java.util.logging (the PostgreSQL driver's) goes through the same logger as ragback's own, so it
 * reads "warning: ..." on stderr like every other warning, never a dated two-line record. Named as
 * java.util.logging.config.class, it is built only when something first logs that way: no start-up cost.
 */
public final class JulToWarnings {
    /** Called by LogManager in place of reading logging.properties. */
    public JulToWarnings() {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        // the session's logger filters by -q/-v; finer records from the driver would only cost time
        root.setLevel(Level.WARNING);
        root.addHandler(new ToSlf4j());
    }

    static void install() {
        System.setProperty("java.util.logging.config.class", JulToWarnings.class.getName());
    }

    private static final class ToSlf4j extends Handler {
        @Override
        public void publish(LogRecord record) {
            Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
            String message = record.getMessage();
            if (record.getParameters() != null && record.getParameters().length > 0) {
                message = MessageFormat.format(message, record.getParameters());
            }
            int level = record.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                logger.error(message);
            } else if (level >= Level.WARNING.intValue()) {
                logger.warn(message);
            } else if (level >= Level.INFO.intValue()) {
                logger.info(message);
            } else {
                logger.debug(message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
