package dev.ragback.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/** Builds the picocli command tree for one invocation and runs it. */
public final class Cli {
    private Cli() {
    }

    public static int execute(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal, String... args) {
        return execute(out, err, env, terminal, Cli::readConsoleLine, args);
    }

    /** As {@link #execute(PrintWriter, PrintWriter, Map, boolean, String...)}, with confirmations read from {@code answers}. */
    public static int execute(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal,
                              Supplier<String> answers, String... args) {
        Session session = new Session(out, err, env, terminal, answers);
        ErrorHandlers handlers = new ErrorHandlers(session);
        CommandLine commandLine = new CommandLine(RagbackCommand.class, new Factory(session))
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(handlers)
                .setExecutionExceptionHandler(handlers)
                .setExecutionStrategy(new LoggingSetup(session)::execute);
        // help is printed while parsing, before --no-color reaches the session
        boolean color = Session.colorAllowed(terminal, env, Arrays.asList(args).contains("--no-color"));
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(color ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String readConsoleLine() {
        java.io.Console console = System.console();
        return console == null ? null : console.readLine();
    }
}
