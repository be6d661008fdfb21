package dev.ragback.app.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Is the backups directory writable, and how much room is left; or for a bucket, can ragback list, put and delete there. */
public final class BackupsDirCheck {
    private static final long LOW_SPACE_BYTES = 1L << 30;

    private final Path dir;
    private final dev.ragback.app.port.BlobStore bucket;

    public BackupsDirCheck(Path dir) {
        this.dir = dir;
        this.bucket = null;
    }

    /** Checks a bucket instead: it can list, and put and delete a probe object. */
    public BackupsDirCheck(dev.ragback.app.port.BlobStore bucket) {
        this.dir = null;
        this.bucket = bucket;
    }

    public CheckResult check() {
        if (bucket != null) {
            try {
                return CheckResult.ok("backups", bucket.probe());
            } catch (dev.ragback.app.RagbackException e) {
                return CheckResult.fail("backups", e.getMessage(), e.hint());
            }
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return CheckResult.fail("backups", dir + " cannot be created", "set backups.dir (or RAGBACK_BACKUPS) to a directory");
        }
        try {
            Path probe = Files.createTempFile(existing, ".ragback-doctor-", ".tmp");
            Files.delete(probe);
            long free = Files.getFileStore(existing).getUsableSpace();
            String where = existing.equals(dir.toAbsolutePath()) ? dir.toString() : dir + " (created on first snapshot)";
            String detail = where + " writable, " + dev.ragback.app.Sizes.human(free) + " free";
            if (free < LOW_SPACE_BYTES) {
                return CheckResult.warn("backups", detail, "free some space or prune: ragback snapshot prune --keep N --yes");
            }
            return CheckResult.ok("backups", detail);
        } catch (IOException e) {
            return CheckResult.fail("backups", dir + " is not writable: " + e.getMessage(),
                    "fix its permissions or set backups.dir (RAGBACK_BACKUPS)");
        }
    }
}
