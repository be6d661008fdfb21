package dev.ragback.app.restore;

import java.util.function.Supplier;

/** One store's half of a restore once it is prepared: not visible yet, unless it could not wait. */
interface PreparedHalf {
    /** Makes it visible; a no-op for a half that could not wait. */
    void commit();

    /** Undoes the prepare where it can, and says the store's state afterwards. */
    String abort();

    /** Time the prepare took. */
    long millis();

    /** Bytes it restored. */
    long bytes();

    /** A half from what its commit and abort do; {@code started} is {@link System#nanoTime()} at its start. */
    static PreparedHalf of(long started, long bytes, Runnable commit, Supplier<String> abort) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new PreparedHalf() {
            @Override
            public void commit() {
                commit.run();
            }

            @Override
            public String abort() {
                return abort.get();
            }

            @Override
            public long millis() {
                return millis;
            }

            @Override
            public long bytes() {
                return bytes;
            }
        };
    }
}
