package dev.ragback.app.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writing a local file failed (disk full, quota, file size limit, permissions): not a failure of
 * the system the bytes came from, so callers neither retry the transfer nor blame the source.
 */
public final class FileWriteException extends IOException {
    private final Path file;

    public FileWriteException(Path file, IOException cause) {
        super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        this.file = file;
    }

    /** The file that could not be written. */
    public Path file() {
        return file;
    }
}
