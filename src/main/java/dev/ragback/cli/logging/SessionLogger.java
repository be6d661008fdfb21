package dev.ragback.cli.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;

/** One line per event on the invocation's stderr, "warning: ..." as the CLI's own warnings read. */
final class SessionLogger extends LegacyAbstractLogger {
    SessionLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return SessionLog.enabled(SessionLog.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return SessionLog.enabled(SessionLog.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return SessionLog.enabled(SessionLog.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return SessionLog.enabled(SessionLog.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return SessionLog.enabled(SessionLog.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        SessionLog.Sink sink = SessionLog.sink();
        if (sink == null) {
            return;
        }
        String label = switch (level) {
            case ERROR -> "error:";
            case WARN -> "warning:";
            case INFO -> "info:";
            case DEBUG -> "debug:";
            case TRACE -> "trace:";
        };
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        PrintWriter err = sink.err();
        synchronized (err) {
            err.println(label + " " + message);
            if (throwable != null) {
                throwable.printStackTrace(err);
            }
            err.flush();
        }
    }
}
