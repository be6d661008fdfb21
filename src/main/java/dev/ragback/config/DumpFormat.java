package dev.ragback.config;

/** postgres.dump_format: pg_dump's archive format. Written in lower case in the config. */
public enum DumpFormat {
    CUSTOM, DIRECTORY
}
