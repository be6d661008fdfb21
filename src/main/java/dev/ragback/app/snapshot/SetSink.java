package dev.ragback.app.snapshot;

import dev.ragback.app.files.FileTarget;
import dev.ragback.app.files.Permissions;

import java.io.IOException;
import java.nio.file.Path;

/** Where the files of a set being created go: its temp directory, or objects streamed into a bucket ({@link StreamedSet}). */
interface SetSink {

    /** The set's file {@code relativePath} (e.g. {@code qdrant/rag_main_v2.snapshot}). */
    FileTarget file(String relativePath) throws IOException;

    /** A local directory for a dump in the directory format, which cannot be streamed. */
    Path directory(String relativePath) throws IOException;

    /** The set's temp directory: files 0600 in directories 0700. */
    static SetSink directory(Path setDir) {
        return new SetSink() {
            @Override
            public FileTarget file(String relativePath) throws IOException {
                return FileTarget.file(directory(relativePath));
            }

            @Override
            public Path directory(String relativePath) throws IOException {
                Path path = setDir.resolve(relativePath);
                Permissions.ownerOnlyDirectory(path.getParent());
                return path;
            }
        };
    }
}
