package dev.ragback.cli;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/** The one place where failures become an exit code and a last line on stderr. */
final class ErrorHandlers implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    private final Session session;

    ErrorHandlers(Session session) {
        this.session = session;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.print(cmd.getHelp().fullSynopsis());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        String message = oneLine(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            // picocli's "Unmatched argument at index 0" is for -v; a person needs the word they typed
            String first = unmatched.getUnmatched().get(0);
            message = "unknown " + (cmd.getSubcommands().isEmpty() ? "argument" : "command") + " '" + Names.printable(first) + "'"
                    + (java.util.Arrays.stream(args).anyMatch(a -> a.matches("-v+")) ? " (" + message + ")" : "");
        }
        err.println("ragback: " + message + " (see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (session.verbosity() >= 2) {
            ex.printStackTrace(err);
        }
        if (session.noConfigFound()) {
            // the likeliest cause of a surprising failure: run from the wrong directory
            err.println("ragback: note: " + session.config().fileLabel().replaceFirst("^none \\(", "no config file found (")
                    .replace("; built-in defaults)", "); built-in defaults apply"));
        }
        if (ex instanceof RagbackException failure) {
            if (failure.kind() == RagbackException.Kind.USAGE) {
                err.print(cmd.getHelp().fullSynopsis());
            }
            err.println(HashDisplay.forPerson(session, failureLine(failure)));
            printJsonError(oneLine(failure.getMessage()), failure.hint(), ExitCodes.of(ex));
        } else {
            err.println("ragback: unexpected " + ex.getClass().getSimpleName() + ": " + oneLine(String.valueOf(ex.getMessage()))
                    + " — run again with -vv for the stack trace, and report it");
        }
        err.flush();
        return ExitCodes.of(ex);
    }

    private void printJsonError(String message, String hint, int exitCode) {
        if (session.json() && !session.jsonPrinted()) {
            session.printJson(new Failure(message, hint, exitCode));
        }
    }

    /** The --json document of a failure, when no other document was printed. */
    record Failure(String error, String hint, int exitCode) {
    }

    /** The last line of a failure: {@code ragback: <what failed> — <what to do next>}. */
    static String failureLine(RagbackException failure) {
        String hint = failure.hint() == null ? "" : " — " + oneLine(failure.hint());
        return "ragback: " + oneLine(failure.getMessage()) + hint;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
