package dev.ragback.adapters.postgres;

import dev.ragback.adapters.os.ChildContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds PostgreSQL client programs: in a configured directory, else on PATH, else in the newest
 * {@code <root>/<major>/bin} (Debian keeps them out of PATH there).
 */
public final class PostgresPrograms {
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern NUMERIC = Pattern.compile("\\d+(\\.\\d+)?");

    private final Path configuredDir;
    private final String searchPath;
    private final Path versionedRoot;
    private final ChildContext context;

    PostgresPrograms(Path configuredDir, String searchPath, Path versionedRoot) {
        this(configuredDir, searchPath, versionedRoot, ChildContext.ofThisProcess());
    }

    private PostgresPrograms(Path configuredDir, String searchPath, Path versionedRoot, ChildContext context) {
        this.context = context;
        this.configuredDir = configuredDir;
        this.searchPath = searchPath == null ? "" : searchPath;
        this.versionedRoot = versionedRoot;
    }

    /** Searches {@code configuredDir} when given, else PATH, else the newest {@code /usr/lib/postgresql/<major>/bin}. */
    public static PostgresPrograms standard(Path configuredDir) {
        return standard(configuredDir, ChildContext.ofThisProcess());
    }

    /** As {@link #standard(Path)}, searching {@code context}'s PATH; the programs start in {@code context}. */
    public static PostgresPrograms standard(Path configuredDir, ChildContext context) {
        return new PostgresPrograms(configuredDir, context.searchPath(), DEBIAN_ROOT, context);
    }

    /** Where and with what environment the programs start. */
    ChildContext context() {
        return context;
    }

    /** The program, or empty when none of the places has it. */
    public Optional<Path> find(String program) {
        if (configuredDir != null) {
            return executable(configuredDir.resolve(program));
        }
        for (String dir : searchPath.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Optional<Path> found = executable(Path.of(dir).resolve(program));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return newestVersionedBin().flatMap(bin -> executable(bin.resolve(program)));
    }

    /** Where {@link #find} looked, for the "not found" message. */
    public String searchedPlaces() {
        return configuredDir != null ? configuredDir.toString() : "PATH and " + versionedRoot + "/*/bin";
    }

    private Optional<Path> newestVersionedBin() {
        if (versionedRoot == null || !Files.isDirectory(versionedRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(versionedRoot)) {
            return versions
                    .filter(dir -> NUMERIC.matcher(dir.getFileName().toString()).matches())
                    .max(Comparator.comparingDouble(dir -> Double.parseDouble(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> executable(Path candidate) {
        return Files.isRegularFile(candidate) && Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
    }
}
