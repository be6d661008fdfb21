package dev.ragback.adapters.os;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.AtomicFiles;
import dev.ragback.app.files.DiskFull;
import dev.ragback.app.port.RunLock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** {@link RunLock} as a lock file, for when TaskDB itself is down (SPEC section 8). */
public final class LockFileRunLock implements RunLock {
    private final Path file;
    private final String localHost;

    public LockFileRunLock(Path file, String localHost) {
        this.file = file;
        this.localHost = localHost;
    }

    @Override
    public Lease acquire(Holder me, boolean breakStale) {
        String content = me.runId() + "\n" + me.host() + "\n" + me.pid() + "\n" + me.since() + "\n";
        Path journal = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(journal.getParent())) {
            // no backups dir: nothing there to restore and no other run's lock file; creating it would be a side effect
            return new Lease() {
                @Override
                public Holder broken() {
                    return null;
                }

                @Override
                public void close() {
                }
            };
        }
        try {
            Files.createDirectories(journal);
            Holder broken = null;
            try {
                Path created = Files.createFile(file);
                try {
                    Files.writeString(created, content, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    // an empty lock file would block the next run as if held by a dead process
                    Files.deleteIfExists(created);
                    throw e;
                }
            } catch (FileAlreadyExistsException e) {
                Holder holder = read();
                boolean alive = holder.host().equals(localHost) ? ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false)
                        : true;
                if (alive && !(holder.pid() == me.pid() && holder.host().equals(me.host()))) {
                    throw new RagbackException(RagbackException.Kind.LOCKED, "another ragback run holds the lock: " + holder
                            + " (lock file " + file + ")", "wait for it to finish, or stop it first");
                }
                if (!holder.runId().equals(me.runId()) && !breakStale) {
                    throw new RagbackException(RagbackException.Kind.LOCKED, "a lock file of " + holder
                            + " is left behind, and that process is gone", "if nothing else runs, break it: add --break-lock");
                }
                broken = holder.runId().equals(me.runId()) ? null : holder;
                AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8), "rw-------", false);
            }
            Holder replaced = broken;
            return new Lease() {
                @Override
                public Holder broken() {
                    return replaced;
                }

                @Override
                public void close() {
                    try {
                        if (read().runId().equals(me.runId())) {
                            Files.deleteIfExists(file);
                        }
                    } catch (IOException | RuntimeException ignored) {
                        // a leftover lock file of a dead process is reported and can be broken next time
                    }
                }
            };
        } catch (IOException e) {
            String full = DiskFull.reason(e);
            throw RagbackException.external("cannot take the lock file " + file + ": " + (full == null ? e.getMessage() : full),
                    full == null ? "check the permissions of " + file.toAbsolutePath().getParent()
                            : DiskFull.fileSizeLimit(full) ? "raise the file size limit (ulimit -f) or bring TaskDB back"
                            : "free space in " + file.toAbsolutePath().getParent() + " (the backups dir) or bring TaskDB back", e);
        }
    }

    private Holder read() throws IOException {
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        try {
            return new Holder(lines[0], lines[1], Long.parseLong(lines[2].strip()), Instant.parse(lines[3].strip()));
        } catch (RuntimeException e) {
            return new Holder("unknown", "unknown", -1, Instant.EPOCH); // unreadable: treated as left by a dead process
        }
    }
}
