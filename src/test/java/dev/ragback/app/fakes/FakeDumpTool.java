package dev.ragback.app.fakes;

import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.HashingFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;

/** Dump tool with fixed versions, for use-case tests. */
public final class FakeDumpTool implements DumpTool {
    public String dumpVersion = "15.18";
    public String restoreVersion = "15.18";
    public boolean missing;

    @Override
    public String dumpVersion() {
        if (missing) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "pg_dump not found on PATH");
        }
        return dumpVersion;
    }

    @Override
    public String restoreVersion() {
        if (missing) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "pg_restore not found on PATH");
        }
        return restoreVersion;
    }

    public String content = "PGDMP fake archive";
    public boolean unreadable;
    public RagbackException dumpFailure;
    /** Runs first in {@link #dump}, e.g. to wait until the other half of a snapshot is under way. */
    public Runnable beforeDump = () -> { };
    public int dumps;

    @Override
    public List<FileDigest> dump(DumpOptions options, Path target, String relativePath, LongConsumer progress) {
        return List.of(dumpArchive(options, dev.ragback.app.files.FileTarget.file(target), relativePath, progress));
    }

    @Override
    public FileDigest dumpArchive(DumpOptions options, dev.ragback.app.files.FileTarget target, String relativePath,
                                  LongConsumer progress) {
        dumps++;
        beforeDump.run();
        if (dumpFailure != null) {
            throw dumpFailure;
        }
        try (dev.ragback.app.files.HashingOutput out = target.open(progress)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            return out.finish(relativePath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void checkReadable(Path archive) {
        if (unreadable) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "pg_restore cannot read " + archive + " to the end");
        }
    }

    public final List<RestoreOptions> restores = new java.util.ArrayList<>();
    public RagbackException restoreFailure;

    @Override
    public void restore(Path archive, RestoreOptions options, LongConsumer progress) {
        restores.add(options);
        if (restoreFailure != null) {
            throw restoreFailure;
        }
    }

    /** What happened to prepared restores: "prepared", "committed", "rolled back", in order. */
    public final List<String> transactions = new java.util.concurrent.CopyOnWriteArrayList<>();
    public RagbackException commitFailure;

    @Override
    public PreparedRestore prepare(Path archive, RestoreOptions options, LongConsumer progress) {
        restore(archive, options, progress);
        transactions.add("prepared");
        return new PreparedRestore() {
            @Override
            public void commit() {
                if (commitFailure != null) {
                    transactions.add("rolled back");
                    throw commitFailure;
                }
                transactions.add("committed");
            }

            @Override
            public void rollback() {
                transactions.add("rolled back");
            }
        };
    }
}
