package dev.ragback.cli;

import java.util.function.Supplier;

/** A service of the composition root built on first use and shared for the rest of the invocation. */
final class Once<T> {
    private T value;

    synchronized T get(Supplier<? extends T> build) {
        if (value == null) {
            value = build.get();
        }
        return value;
    }
}
