package dev.ragback.app.files;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Snapshot sets hold the whole database: directories 0700, files 0600. */
public final class Permissions {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private Permissions() {
    }

    public static void ownerOnly(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    public static Path ownerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return dir;
    }

    /** World-readable, for files other programs read (node_exporter textfiles). */
    public static void publicReadable(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Sets permissions such as {@code rw-r--r--}; a no-op where the file system has none. */
    public static void set(Path file, String permissions) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        }
    }

    /** The file's permissions as {@code rw-r--r--} (or that default where the file system has none). */
    public static String of(Path file) throws IOException {
        return POSIX ? PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) : "rw-r--r--";
    }
}
