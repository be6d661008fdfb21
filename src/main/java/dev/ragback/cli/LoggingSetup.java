package dev.ragback.cli;

import picocli.CommandLine;

/**
 * Sets the log level from -q/-v/-vv once options are parsed and before the command runs. Logback
 * reads the level when it first starts, so commands that never log never pay for it.
 */
final class LoggingSetup {
    private final Session session;

    LoggingSetup(Session session) {
        this.session = session;
    }

    int execute(CommandLine.ParseResult parseResult) {
        String level = switch (session.verbosity()) {
            case -1 -> "ERROR";
            case 0 -> "WARN";
            case 1 -> "INFO";
            default -> "DEBUG";
        };
        System.setProperty("ragback.log.level", level);
        return new CommandLine.RunLast().execute(parseResult);
    }
}
