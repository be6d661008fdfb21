package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigLoader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One invocation of ragback: its writers, environment, global options, and the configuration and
 * adapters built from them on first use.
 */
public final class Session {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final Path workDir;
    private final boolean ownsProcess;
    private final boolean terminal;
    private final boolean progressTerminal;
    private final Supplier<String> answers;
    private final List<String> overrides = new ArrayList<>();
    private Path configFile;
    private boolean json;
    private int verbosity;
    private boolean quiet;
    private boolean noColor;
    private Config config;
    private Services services;
    private boolean jsonPrinted;

    /**
     * @param terminal true when a person sits at a terminal (stdin and stdout are a TTY)
     * @param answers  reads one line typed at that terminal, {@code null} at end of input
     */
    public Session(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal, Supplier<String> answers) {
        this(out, err, env, terminal, terminal, answers);
    }

    /** For tests of one piece: the JVM's working directory; no signal handling. */
    public Session(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal, boolean progressTerminal,
                   Supplier<String> answers) {
        this(new Invocation(out, err, env, Path.of("").toAbsolutePath(), terminal, progressTerminal, answers, false));
    }

    public Session(Invocation invocation) {
        this.out = invocation.out();
        this.err = invocation.err();
        this.env = invocation.env();
        this.workDir = invocation.workDir();
        this.ownsProcess = invocation.ownsProcess();
        this.terminal = invocation.terminal();
        this.progressTerminal = invocation.progressTerminal();
        this.answers = invocation.answers();
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public boolean json() {
        return json;
    }

    /** The directory relative paths resolve against, and where programs ragback runs start. */
    public Path workDir() {
        return workDir;
    }

    /** True when this run is the whole process (bin/ragback), so it may handle signals and add shutdown hooks. */
    public boolean ownsProcess() {
        return ownsProcess;
    }

    /** True when stdin and stdout belong to a person at a terminal. */
    public boolean terminal() {
        return terminal;
    }

    /** Progress on stderr when a person watches it; nothing otherwise. */
    public dev.ragback.app.Progress progress() {
        return progressTerminal && !quiet ? new TerminalProgress(err) : dev.ragback.app.Progress.NONE;
    }

    public boolean color() {
        return colorAllowed(terminal, env, noColor);
    }

    boolean colorAllowedBeforeParsing(boolean noColorFlag) {
        return colorAllowed(terminal, env, noColorFlag);
    }

    /** Colors only on a terminal, and never with NO_COLOR or --no-color. */
    static boolean colorAllowed(boolean terminal, Map<String, String> env, boolean noColorFlag) {
        return terminal && !noColorFlag && !env.containsKey("NO_COLOR");
    }

    /** Text for a person: sha256 hashes shortened unless -v or --json. */
    public String forPerson(String text) {
        return HashDisplay.forPerson(this, text);
    }

    public int verbosity() {
        return quiet ? -1 : verbosity;
    }

    /** The merged configuration, read on first use. */
    public Config config() {
        if (config == null) {
            config = new ConfigLoader().load(ConfigLoader.locate(configFile, env, workDir), workDir, env,
                    ConfigLoader.parseSetFlags(overrides));
        }
        return config;
    }

    /** True once the configuration was read and no config file was found. */
    boolean noConfigFound() {
        return config != null && config.noFileFound();
    }

    /** Adapters and use cases wired from the configuration, built on first use. */
    public Services services() {
        if (services == null) {
            services = new Services(config(), workDir, env);
        }
        return services;
    }

    /** Ends the invocation: closes what {@link #services()} opened. */
    void close() {
        if (services != null) {
            services.close();
        }
    }

    /** Writes one JSON document to stdout: a record (or a list of them), as {@link JsonOutput} renders it. */
    public void printJson(Object document) {
        jsonPrinted = true;
        out.println(JsonOutput.render(document));
        out.flush();
    }

    /** A failure's last line on stderr, for failures reported outside the exception handler (a shutdown hook). */
    public void fail(RagbackException failure) {
        err.println(ErrorHandlers.failureLine(failure));
        err.flush();
    }

    /** A warning on stderr, unless -q. */
    public void warn(String message) {
        if (!quiet) {
            err.println("warning: " + message);
            err.flush();
        }
    }

    /**
     * Asks before a destructive change, on stderr. With {@code yes} (--yes) it does not ask.
     * Without a terminal it refuses with a usage error (exit 2); any answer but y/yes is exit 1,
     * nothing changed.
     */
    public void confirm(boolean yes, String question) {
        if (yes) {
            return;
        }
        requireYesOrTerminal(false);
        err.print(question + " [y/N] ");
        err.flush();
        String answer = answers.get();
        if (answer == null) {
            err.println(); // end of input (Ctrl-D): end the prompt's line
        }
        String word = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
        if (!word.equals("y") && !word.equals("yes")) {
            throw new RagbackException(RagbackException.Kind.DECLINED, "not confirmed; nothing changed",
                    "run it again and answer y, or add --yes");
        }
    }

    /** Refuses (exit 2) up front when a later confirmation could not be asked: no --yes and no terminal. */
    public void requireYesOrTerminal(boolean yes) {
        if (!yes && !terminal) {
            throw new RagbackException(RagbackException.Kind.USAGE,
                    "refusing to change anything without --yes: there is no terminal to confirm on",
                    "add --yes to run it unattended (or --dry-run, where there is one, to see the plan)");
        }
    }

    boolean jsonPrinted() {
        return jsonPrinted;
    }

    void configFile(Path file) {
        this.configFile = file;
    }

    void overrides(List<String> pairs) {
        overrides.addAll(pairs);
    }

    void json(boolean value) {
        this.json = value;
    }

    void verbosity(int level) {
        this.verbosity = Math.max(this.verbosity, level);
    }

    void quiet(boolean value) {
        this.quiet = value;
    }

    void noColor(boolean value) {
        this.noColor = value;
    }
}
