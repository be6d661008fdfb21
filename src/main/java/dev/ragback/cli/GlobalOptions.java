package dev.ragback.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.List;

/**
 * Options every command accepts. Mixed into each command; the setters only ever switch things on,
 * so an option given before or after the subcommand name has the same effect.
 */
public final class GlobalOptions {
    private final Session session;

    public GlobalOptions(Session session) {
        this.session = session;
    }

    @Option(names = "--config", order = 100, paramLabel = "FILE", scope = ScopeType.INHERIT, description = "Config file (default: ops/ragback.yaml when present).")
    void setConfig(Path file) {
        if (file != null) {
            session.configFile(file);
        }
    }

    @Option(names = "--set", order = 101, paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT, description = "Override one config key (highest precedence); repeatable.")
    void setOverrides(List<String> pairs) {
        if (pairs != null) {
            session.overrides(pairs);
        }
    }

    @Option(names = "--json", order = 102, scope = ScopeType.INHERIT, description = "Print one JSON document on stdout; logs and progress go to stderr.")
    void setJson(boolean json) {
        if (json) {
            session.json(true);
        }
    }

    @Option(names = "-v", order = 103, scope = ScopeType.INHERIT, description = "More log output on stderr (-v info, -vv debug and stack traces).")
    void setVerbose(boolean[] verbose) {
        if (verbose != null) {
            session.verbosity(verbose.length);
        }
    }

    @Option(names = "-q", order = 104, scope = ScopeType.INHERIT, description = "Errors only on stderr.")
    void setQuiet(boolean quiet) {
        if (quiet) {
            session.quiet(true);
        }
    }

    @Option(names = "--no-color", order = 105, scope = ScopeType.INHERIT, description = "No colors (also: NO_COLOR, or output that is not a terminal).")
    void setNoColor(boolean noColor) {
        if (noColor) {
            session.noColor(true);
        }
    }
}
