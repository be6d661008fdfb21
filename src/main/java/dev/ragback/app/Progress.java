package dev.ragback.app;

/** Where long operations report how far they got; the CLI shows it on a terminal only. */
public interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void stage(String part, String what) {
        }

        @Override
        public void bytes(String part, long done) {
        }
    };

    /** {@code part} (e.g. qdrant, postgres) started doing {@code what}. */
    void stage(String part, String what);

    /** {@code part} has moved {@code done} bytes so far. */
    void bytes(String part, long done);

    /** The operation ended; clear whatever was shown. */
    default void done() {
    }
}
