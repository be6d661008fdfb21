package dev.ragback.cli.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;

/** One line per event on the invocation's stderr, "warning: ..." as the CLI's own warnings read. */
final class SessionLogger extends LegacyAbstractLogger {
    // the AWS SDK's debug lines carry request headers, X-Amz-Security-Token (AWS_SESSION_TOKEN) among them
    private static final String AWS_SDK = "software.amazon.awssdk";

    private final SessionLog.Level mostVerbose;

    SessionLogger(String name) {
        this.name = name;
        this.mostVerbose = name != null && name.startsWith(AWS_SDK) ? SessionLog.Level.INFO : SessionLog.Level.TRACE;
    }

    private boolean enabled(SessionLog.Level level) {
        return level.ordinal() <= mostVerbose.ordinal() && SessionLog.enabled(level);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(SessionLog.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(SessionLog.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(SessionLog.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(SessionLog.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(SessionLog.Level.ERROR);
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
