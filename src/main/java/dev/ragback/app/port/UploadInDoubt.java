package dev.ragback.app.port;

import dev.ragback.app.RagbackException;

/**
 * A snapshot upload whose whole body went out but whose answer never came (a timeout, a lost
 * connection): the server may have recovered, may still be recovering, or may have failed. It is
 * never sent again; the caller looks at the collection to find out.
 */
public final class UploadInDoubt extends RagbackException {
    public UploadInDoubt(String message, Throwable cause) {
        super(Kind.EXTERNAL, message, null, cause);
    }
}
