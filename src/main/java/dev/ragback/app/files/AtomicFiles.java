package dev.ragback.app.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes files so that readers see the old content or the new one, never a mix: temp file, fsync, rename. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code text}; the file ends up 0600, or 0644 when {@code publicReadable}. */
    public static void write(Path target, String text, boolean publicReadable) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8), publicReadable ? "rw-r--r--" : "rw-------", false);
    }

    /**
     * Replaces {@code target} with {@code content}, creating missing parent directories.
     *
     * @param permissions  POSIX permissions of the new file, e.g. {@code rw-------}
     * @param keepExisting when the target exists, keep its permissions instead
     */
    public static void write(Path target, byte[] content, String permissions, boolean keepExisting) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Permissions.set(temp, keepExisting && Files.exists(absolute) ? Permissions.of(absolute) : permissions);
            move(temp, absolute);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (different file systems?)", e);
        }
    }

    /** Makes a rename or a new entry durable; a no-op where directories cannot be opened. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to open directories; the rename itself is still atomic
        }
    }
}
