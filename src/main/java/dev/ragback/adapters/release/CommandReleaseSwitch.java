package dev.ragback.adapters.release;

import dev.ragback.app.files.AtomicFiles;
import dev.ragback.adapters.os.CommandRun;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.port.ReleaseSwitch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Releases managed by programs: {@code release.current_command} prints the live version and
 * {@code release.activate_command} (with {@code {version}}) switches to one. The programs know
 * nothing of green, so green marks live in the file {@code <release.dir>/green}, one version per
 * line, written atomically; the known releases are the green ones plus the current one.
 */
public final class CommandReleaseSwitch implements ReleaseSwitch {
    static final String GREEN_FILE = "green";
    static final Duration CURRENT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration ACTIVATE_TIMEOUT = Duration.ofMinutes(5);
    private static final String CURRENT_KEY = "release.current_command";
    private static final String ACTIVATE_KEY = "release.activate_command";

    private final List<String> currentCommand;
    private final List<String> activateCommand;
    private final Path greenFile;
    private final dev.ragback.adapters.os.ChildContext context;

    public CommandReleaseSwitch(List<String> currentCommand, List<String> activateCommand, Path stateDir) {
        this(currentCommand, activateCommand, stateDir, dev.ragback.adapters.os.ChildContext.ofThisProcess());
    }

    /** The commands may be null: then the calls that need them fail saying which key is not set. */
    public CommandReleaseSwitch(List<String> currentCommand, List<String> activateCommand, Path stateDir,
                                dev.ragback.adapters.os.ChildContext context) {
        this.context = context;
        this.currentCommand = currentCommand == null ? null : List.copyOf(currentCommand);
        this.activateCommand = activateCommand == null ? null : List.copyOf(activateCommand);
        this.greenFile = stateDir.resolve(GREEN_FILE);
    }

    @Override
    public List<Release> releases() {
        TreeSet<String> versions = new TreeSet<>(Versions.SEMANTIC);
        List<String> green = readGreen();
        versions.addAll(green);
        current().ifPresent(versions::add);
        List<Release> releases = new ArrayList<>();
        for (String version : versions) {
            releases.add(new Release(version, green.contains(version)));
        }
        return List.copyOf(releases);
    }

    @Override
    public Optional<String> current() {
        CommandRun.Result result = CommandRun.run(context, CURRENT_KEY, require(CURRENT_KEY, currentCommand), CURRENT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw failed(CURRENT_KEY, currentCommand, result, "reading the current release");
        }
        String version = result.stdout().strip().lines().findFirst().orElse("").strip();
        if (version.isEmpty()) {
            return Optional.empty();
        }
        if (Names.problem(version) != null) {
            throw RagbackException.malformed(CURRENT_KEY + " printed '" + Names.printable(version) + "', which is not a version: "
                    + Names.problem(version));
        }
        return Optional.of(version);
    }

    @Override
    public void activate(String version) {
        Names.require("release version", version);
        List<String> argv = CommandRun.fill(require(ACTIVATE_KEY, activateCommand), "version", version);
        CommandRun.Result result = CommandRun.run(context, ACTIVATE_KEY, argv, ACTIVATE_TIMEOUT);
        if (result.exitCode() != 0) {
            throw failed(ACTIVATE_KEY, activateCommand, result, "activating " + version);
        }
    }

    @Override
    public void markGreen(String version) {
        Names.require("release version", version);
        TreeSet<String> green = new TreeSet<>(Versions.SEMANTIC);
        green.addAll(readGreen());
        green.add(version);
        try {
            AtomicFiles.write(greenFile, (String.join("\n", green) + "\n").getBytes(StandardCharsets.UTF_8), "rw-r--r--", true);
        } catch (IOException e) {
            throw RagbackException.external("cannot write " + greenFile + ": " + e.getMessage(),
                    "check that release.dir is writable", e);
        }
    }

    private List<String> readGreen() {
        List<String> lines;
        try {
            lines = Files.readAllLines(greenFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw RagbackException.external("cannot read " + greenFile + ": " + e.getMessage(), "check its permissions", e);
        }
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (Names.problem(line) != null) {
                throw RagbackException.malformed(greenFile + ":" + (i + 1) + ": '" + Names.printable(line)
                        + "' is not a version: " + Names.problem(line));
            }
            versions.add(line);
        }
        return versions;
    }

    private static List<String> require(String key, List<String> command) {
        if (command == null) {
            throw RagbackException.malformed("release.mode is command but " + key + " is not set");
        }
        return command;
    }

    private static RagbackException failed(String key, List<String> command, CommandRun.Result result, String doing) {
        String tail = result.stderrTail();
        return RagbackException.external(key + " (" + command.get(0) + ") exited " + result.exitCode() + " " + doing
                + (tail.isEmpty() ? "" : ": " + tail), "fix the program or " + key, null);
    }

    @Override
    public String toString() {
        return "CommandReleaseSwitch[" + greenFile + "]";
    }
}
