package dev.ragback.app.port;

import java.net.URI;

/**
 * Plain GET requests to the pipeline's own endpoints (smoke.http). Calls fail with a
 * {@link dev.ragback.app.RagbackException} of kind EXTERNAL when the endpoint never answers; the
 * message shows the URL without credentials.
 */
public interface HttpProbe {

    /**
     * How an endpoint answered.
     *
     * @param status the HTTP status of the last try
     * @param tries  how many tries it took (a 5xx or a connection error is tried again)
     */
    record Answer(int status, int tries) {
    }

    /** GETs {@code url} (no redirects followed), each try with a short timeout. */
    Answer get(URI url);
}
