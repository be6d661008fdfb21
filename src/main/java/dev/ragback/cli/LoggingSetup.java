package dev.ragback.cli;

import picocli.CommandLine;

/**
 * Sets the log level from -q/-v/-vv once options are parsed and before the command runs. The logger
 * (slf4j-simple, to stderr, see simplelogger.properties) reads it when it first starts. It replaced
 * logback, whose start-up alone cost several times a bare JVM's.
 */
final class LoggingSetup {
    private final Session session;

    LoggingSetup(Session session) {
        this.session = session;
    }

    int execute(CommandLine.ParseResult parseResult) {
        String level = switch (session.verbosity()) {
            case -1 -> "error";
            case 0 -> "warn";
            case 1 -> "info";
            default -> "debug";
        };
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        // the AWS SDK's debug lines carry request headers, X-Amz-Security-Token (AWS_SESSION_TOKEN) among them
        System.setProperty("org.slf4j.simpleLogger.log.software.amazon.awssdk", "debug".equals(level) ? "info" : level);
        JulToWarnings.install();
        Cli.markCommandStarted();
        return new CommandLine.RunLast().execute(parseResult);
    }
}
