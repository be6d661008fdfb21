package dev.ragback.app.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Writes a new file (mode 0600) from a stream of bytes, hashing them on the way: one pass, a
 * fixed buffer, flat memory. {@link #finish()} fsyncs and returns size and sha256. Failures of the
 * file itself (disk full...) are {@link FileWriteException}s.
 */
public final class HashingFileWriter extends HashingOutput {
    static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest sha256 = Sha256.newDigest();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final LongConsumer progress;
    private long size;
    private boolean closed;

    public HashingFileWriter(Path file, LongConsumer progress) throws IOException {
        this.file = file;
        this.progress = progress == null ? n -> { } : progress;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw local(e);
        }
        Permissions.ownerOnly(file);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        sha256.update(bytes, offset, length);
        while (length > 0) {
            int n = Math.min(length, buffer.remaining());
            buffer.put(bytes, offset, n);
            offset += n;
            length -= n;
            if (!buffer.hasRemaining()) {
                drain();
            }
        }
    }

    @Override
    public void write(ByteBuffer source) throws IOException {
        sha256.update(source.duplicate());
        while (source.hasRemaining()) {
            int n = Math.min(source.remaining(), buffer.remaining());
            ByteBuffer slice = source.slice();
            slice.limit(n);
            buffer.put(slice);
            source.position(source.position() + n);
            if (!buffer.hasRemaining()) {
                drain();
            }
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        int written = 0;
        try {
            while (buffer.hasRemaining()) {
                written += channel.write(buffer);
            }
        } catch (IOException e) {
            throw local(e);
        }
        buffer.clear();
        size += written;
        progress.accept(size);
    }

    /** Flushes, fsyncs and closes; the digest is of every byte written. */
    @Override
    public FileDigest finish(String relativePath) throws IOException {
        drain();
        try {
            channel.force(true);
        } catch (IOException e) {
            throw local(e);
        }
        close();
        return new FileDigest(relativePath, size, Sha256.hex(sha256.digest()));
    }

    // an interrupt is a cancellation, not a write failure
    private IOException local(IOException e) {
        if (e instanceof FileWriteException || e instanceof java.nio.channels.ClosedByInterruptException
                || e instanceof java.io.InterruptedIOException) {
            return e;
        }
        return new FileWriteException(file, e);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }
}
