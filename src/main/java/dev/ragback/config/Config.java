package dev.ragback.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The effective configuration: one {@link Setting} per key, after the merge. */
public final class Config {
    private final Map<String, Setting> settings;
    private final String fileLabel;
    private final ConfigLoader.Location location;
    private final Path workDir;

    /** @param workDir the invocation's working directory: relative paths are used against it; {@code null} leaves them as they are */
    Config(Map<String, Setting> settings, String fileLabel, ConfigLoader.Location location, Path workDir) {
        this.settings = Map.copyOf(settings);
        this.fileLabel = fileLabel;
        this.location = location;
        this.workDir = workDir;
    }

    /** True when no config file was found by {@link ConfigLoader#locate} (built-in defaults apply). */
    public boolean noFileFound() {
        return location != null && !location.found();
    }

    /**
     * The value of {@code key}, or {@code null} when it has no value. A relative path comes resolved against the
     * working directory (the process's may differ: a test runs the CLI in its own JVM); {@link #setting} keeps it as written.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        Object value = settings.get(key.name()).value();
        return (T) (workDir != null && value instanceof Path path && !path.isAbsolute() ? workDir.resolve(path) : value);
    }

    /** The working directory of the invocation, when the configuration was loaded for one. */
    public java.util.Optional<Path> workDir() {
        return java.util.Optional.ofNullable(workDir);
    }

    public Setting setting(Key<?> key) {
        return settings.get(key.name());
    }

    /** Every setting, in documentation order. */
    public List<Setting> settings() {
        List<Setting> ordered = new ArrayList<>();
        for (Key<?> key : ConfigKeys.all()) {
            ordered.add(settings.get(key.name()));
        }
        return ordered;
    }

    /** The config file that was read, or a note that none was. */
    public String fileLabel() {
        return fileLabel;
    }
}
