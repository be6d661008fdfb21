package dev.ragback.config;

/** Where an effective configuration value came from, lowest precedence first. */
public enum Source {
    DEFAULT, FILE, ENV, FLAG;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
