package dev.ragback.app.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Where one file of a snapshot set goes. Opened afresh for each attempt: a download retried from
 * the start writes a new file (or a new upload) and the old one is given up.
 */
@FunctionalInterface
public interface FileTarget {

    /** A new, empty file; {@code progress} receives the bytes written so far. */
    HashingOutput open(LongConsumer progress) throws IOException;

    /** A local file (mode 0600), fsynced on finish. */
    static FileTarget file(Path path) {
        return progress -> new HashingFileWriter(path, progress);
    }
}
