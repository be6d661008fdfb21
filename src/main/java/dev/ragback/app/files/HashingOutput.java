package dev.ragback.app.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A new file of a snapshot set being written and hashed on the way: a local file, or an object
 * streamed into a bucket. {@link #finish} makes it whole and returns size and sha256; closing it
 * without {@link #finish} gives it up (an object upload is aborted and nothing becomes visible).
 */
public abstract class HashingOutput extends OutputStream {

    /** Writes (and hashes) the remaining bytes of {@code source}. */
    public abstract void write(ByteBuffer source) throws IOException;

    /** Completes the file; the digest is of every byte written. */
    public abstract FileDigest finish(String relativePath) throws IOException;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Copies the whole stream in; returns the bytes copied by this call. */
    public long copyFrom(InputStream in) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long copied = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("copy cancelled");
            }
            write(chunk, 0, n);
            copied += n;
        }
        return copied;
    }
}
