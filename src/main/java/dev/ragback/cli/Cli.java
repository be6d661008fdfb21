package dev.ragback.cli;

import dev.ragback.cli.logging.SessionLog;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Builds the picocli command tree for one invocation and runs it. */
public final class Cli {
    private static volatile boolean commandStarted;
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--config", "--set");

    private Cli() {
    }

    /** Runs one command line with what {@code invocation} gives it and returns the exit code. */
    public static int execute(Invocation invocation, String... args) {
        return execute(new Session(invocation), args);
    }

    /** For tests: in this JVM's working directory, with confirmations read from {@code answers}. */
    public static int execute(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal,
                              Supplier<String> answers, String... args) {
        return execute(new Session(out, err, env, terminal, terminal, answers), args);
    }

    private static int execute(Session session, String... args) {
        PrintWriter out = session.out();
        PrintWriter err = session.err();
        ErrorHandlers handlers = new ErrorHandlers(session);
        CommandLine commandLine = commandTree(new Factory(session), args)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(handlers)
                .setExecutionExceptionHandler(handlers)
                .setExecutionStrategy(parsed -> {
                    markCommandStarted();
                    JulToWarnings.install();
                    return new CommandLine.RunLast().execute(parsed);
                });
        // help is printed while parsing, before --no-color reaches the session
        boolean color = session.colorAllowedBeforeParsing(Arrays.asList(args).contains("--no-color"));
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(color ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        // log lines go to this run's stderr, at the level -q/-v/-vv set once parsed
        Object previousLog = SessionLog.attach(err, () -> logLevel(session.verbosity()));
        try {
            return commandLine.execute(args);
        } finally {
            session.close();
            SessionLog.restore(previousLog);
            out.flush();
            err.flush();
        }
    }

    private static SessionLog.Level logLevel(int verbosity) {
        return switch (verbosity) {
            case -1 -> SessionLog.Level.ERROR;
            case 0 -> SessionLog.Level.WARN;
            case 1 -> SessionLog.Level.INFO;
            default -> SessionLog.Level.DEBUG;
        };
    }

    /** True once a command began to run (options parsed, configuration read): its own signal handling applies. */
    public static boolean commandStarted() {
        return commandStarted;
    }

    static void markCommandStarted() {
        commandStarted = true;
    }

    /** Every command, as {@code ragback --help} builds them: for tests and tools that walk the tree. */
    public static CommandLine fullTree(Session session) {
        return commandTree(new Factory(session));
    }

    /**
     * The root command with only the top-level command that {@code args} name: building picocli's model of
     * every command costs most of the start-up. Help, a bare {@code ragback} or an unknown name get them all.
     */
    static CommandLine commandTree(CommandLine.IFactory factory, String... args) {
        CommandLine root = new CommandLine(RagbackCommand.class, factory);
        String named = firstPositional(args);
        boolean versionOnly = named == null && Arrays.stream(args).anyMatch(a -> a.equals("--version") || a.equals("-V"));
        if (versionOnly) {
            return root;
        }
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        RagbackCommand.SUBCOMMANDS.forEach(c -> byName.put(c.getAnnotation(CommandLine.Command.class).name(), c));
        boolean one = named != null && byName.containsKey(named);
        byName.forEach((name, subcommand) -> {
            if (!one || named.equals(name)) {
                root.addSubcommand(name, new CommandLine(subcommand, factory));
            }
        });
        if (!one) {
            root.addSubcommand("help", new CommandLine(new HelpCommand(), factory)); // `ragback help [COMMAND]`, as git and kubectl
        }
        HelpLayout.apply(root);
        return root;
    }

    private static String firstPositional(String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return i + 1 < args.length ? args[i + 1] : null;
            }
            if (OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }
}
