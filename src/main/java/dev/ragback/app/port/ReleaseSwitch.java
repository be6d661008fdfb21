package dev.ragback.app.port;

import java.util.List;
import java.util.Optional;

/**
 * Which release (binaries and config) of the RAG pipeline is live, and switching it. Calls fail
 * with a {@link dev.ragback.app.RagbackException}: EXTERNAL when the switch cannot be read or
 * changed, MALFORMED_INPUT when what it holds makes no sense.
 */
public interface ReleaseSwitch {

    /**
     * One installed release.
     *
     * @param version e.g. {@code v1.1.0}
     * @param green   true when marked green (known good)
     */
    record Release(String version, boolean green) {
    }

    /** Installed releases, oldest version first (semantic-version order). */
    List<Release> releases();

    /** The live release's version, or empty when none is active. */
    Optional<String> current();

    /** Makes {@code version} the live release, atomically. */
    void activate(String version);

    /** Marks {@code version} green. */
    void markGreen(String version);
}
