package dev.ragback.app.compat;

/** A triple's status in the compatibility matrix; UNKNOWN when the triple is not listed. */
public enum CompatStatus {
    OK, WARN, INCOMPATIBLE, UNKNOWN
}
