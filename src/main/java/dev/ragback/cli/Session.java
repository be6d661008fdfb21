package dev.ragback.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigLoader;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One invocation of ragback: its writers, environment, global options, and the configuration and
 * adapters built from them on first use.
 */
public final class Session {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final boolean terminal;
    private final List<String> overrides = new ArrayList<>();
    private Path configFile;
    private boolean json;
    private int verbosity;
    private boolean quiet;
    private boolean noColor;
    private Config config;
    private Services services;
    private boolean jsonPrinted;

    public Session(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.terminal = terminal;
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

    /** True when stdin and stdout belong to a person at a terminal. */
    public boolean terminal() {
        return terminal;
    }

    /**
     * Asks before something destructive. {@code --yes} skips the question; without a terminal to
     * ask, the command refuses (exit 2) rather than guess.
     */
    public void confirm(String action, boolean yes) {
        if (yes) {
            return;
        }
        if (!terminal) {
            throw new dev.ragback.app.RagbackException(dev.ragback.app.RagbackException.Kind.USAGE,
                    "refusing to " + action + " without --yes: there is no terminal to ask", "add --yes");
        }
        err.print("ragback: " + action + "? [y/N] ");
        err.flush();
        String answer;
        try {
            answer = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
            answer = null;
        }
        if (answer == null || !answer.strip().toLowerCase(java.util.Locale.ROOT).matches("y|yes")) {
            throw new dev.ragback.app.RagbackException(dev.ragback.app.RagbackException.Kind.USAGE,
                    "not confirmed: nothing was changed", null);
        }
    }

    /** Progress on stderr when a person watches it; nothing otherwise. */
    public dev.ragback.app.Progress progress() {
        return terminal && !quiet ? new TerminalProgress(err) : dev.ragback.app.Progress.NONE;
    }

    public boolean color() {
        return colorAllowed(terminal, env, noColor);
    }

    /** Colors only on a terminal, and never with NO_COLOR or --no-color. */
    static boolean colorAllowed(boolean terminal, Map<String, String> env, boolean noColorFlag) {
        return terminal && !noColorFlag && !env.containsKey("NO_COLOR");
    }

    public int verbosity() {
        return quiet ? -1 : verbosity;
    }

    /** The merged configuration, read on first use. */
    public Config config() {
        if (config == null) {
            config = new ConfigLoader().load(configFile, env, ConfigLoader.parseSetFlags(overrides));
        }
        return config;
    }

    /** Adapters and use cases wired from the configuration, built on first use. */
    public Services services() {
        if (services == null) {
            services = new Services(config());
        }
        return services;
    }

    /** Writes one JSON document to stdout. */
    public void printJson(Object document) {
        jsonPrinted = true;
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    /** A warning on stderr, unless -q. */
    public void warn(String message) {
        if (!quiet) {
            err.println("warning: " + message);
            err.flush();
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
