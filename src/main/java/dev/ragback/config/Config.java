package dev.ragback.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The effective configuration: one {@link Setting} per key, after the merge. */
public final class Config {
    private final Map<String, Setting> settings;
    private final String fileLabel;
    private final ConfigLoader.Location location;

    Config(Map<String, Setting> settings, String fileLabel, ConfigLoader.Location location) {
        this.settings = Map.copyOf(settings);
        this.fileLabel = fileLabel;
        this.location = location;
    }

    /** True when no config file was found by {@link ConfigLoader#locate} (built-in defaults apply). */
    public boolean noFileFound() {
        return location != null && !location.found();
    }

    /** The value of {@code key}, or {@code null} when it has no value. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return (T) settings.get(key.name()).value();
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
