package dev.ragback.adapters.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whole-file writes that a reader never sees half done: a temp file in the same directory,
 * fsync, then an atomic rename over the target, then fsync of the directory.
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    /**
     * Replaces {@code file} with {@code content}, creating missing parent directories. An
     * existing file keeps its permissions; a new one gets 0644.
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            setPermissions(temp, Files.exists(target) ? Files.getPosixFilePermissions(target) : NEW_FILE);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /** Makes a rename in {@code dir} durable; best effort where directories cannot be opened. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // some file systems refuse to open or sync a directory; the rename itself is still atomic
        }
    }

    private static void setPermissions(Path file, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException | FileSystemException ignored) {
            // not a POSIX file system: keep the defaults
        }
    }
}
