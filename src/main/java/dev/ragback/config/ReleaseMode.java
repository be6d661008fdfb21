package dev.ragback.config;

/** release.mode: how ragback reads and activates releases. Written in lower case in the config. */
public enum ReleaseMode {
    SYMLINK, COMMAND
}
