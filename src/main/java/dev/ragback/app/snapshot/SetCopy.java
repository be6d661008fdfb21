package dev.ragback.app.snapshot;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * {@code snapshot copy}: one set from a directory to a bucket, a bucket to a directory, or a bucket
 * to a bucket (through staging), for the 3-2-1 rule. The source is verified before, every byte is
 * hashed on the way, and the copy is verified where it lands; a copy that does not verify is removed.
 */
public final class SetCopy {

    /** One end of a copy: a backups directory or a bucket. */
    public sealed interface Side permits Dir, Bucket {
        String location();
    }

    /** A backups directory. */
    public record Dir(BackupsDir dir) implements Side {
        public String location() {
            return dir.root().toString();
        }
    }

    /** A bucket. */
    public record Bucket(ObjectSets sets) implements Side {
        public String location() {
            return sets.location();
        }
    }

    private final DumpTool dumpTool;
    private final ManifestSignature signature;
    private final BackupsDir staging;

    public SetCopy(DumpTool dumpTool, ManifestSignature signature, BackupsDir staging) {
        this.dumpTool = dumpTool;
        this.signature = signature;
        this.staging = staging;
    }

    /** Copies set {@code id}; returns the manifest of the verified copy. */
    public Manifest copy(String id, Side from, Side to, LongConsumer progress) {
        if (from.location().equals(to.location())) {
            throw RagbackException.usage("--from and --to are the same place: " + from.location());
        }
        if (exists(to, id)) {
            throw RagbackException.usage("set " + id + " is already in " + to.location() + "; nothing copied");
        }
        if (from instanceof Dir dir && to instanceof Bucket bucket) {
            return upload(id, dir.dir(), bucket.sets(), progress);
        }
        if (from instanceof Bucket bucket && to instanceof Dir dir) {
            return download(id, bucket.sets(), dir.dir(), progress);
        }
        if (from instanceof Bucket bucket && to instanceof Bucket target) {
            download(id, bucket.sets(), staging, progress);
            try {
                return upload(id, staging, target.sets(), progress);
            } finally {
                deleteQuietly(staging, id);
            }
        }
        throw RagbackException.usage("both ends are directories; copy the set with cp -a or rsync, then check it: "
                + "ragback snapshot verify");
    }

    private static boolean exists(Side side, String id) {
        return side instanceof Bucket bucket ? bucket.sets().entries().stream().anyMatch(e -> e.id().equals(id))
                : Files.exists(((Dir) side).dir().root().resolve(id));
    }

    private Manifest upload(String id, BackupsDir from, ObjectSets to, LongConsumer progress) {
        requireOk(new SnapshotVerifier(from, dumpTool, signature).verify(id, false), from.root().toString());
        to.publish(from, id, progress);
        SnapshotVerifier.SetCheck landed = to.verifyStored(id);
        if (!landed.ok()) {
            to.remove(List.of(new BackupsDir.Entry(id, null, null, null)));
            requireOk(landed, to.location());
        }
        return landed.manifest();
    }

    private Manifest download(String id, ObjectSets from, BackupsDir to, LongConsumer progress) {
        List<SnapshotVerifier.FileCheck> damaged = from.stage(id, to, progress);
        SnapshotVerifier.SetCheck landed = new SnapshotVerifier(to, dumpTool, signature).verify(id, false);
        if (!damaged.isEmpty() || !landed.ok()) {
            deleteQuietly(to, id);
            requireOk(damaged.isEmpty() ? landed : new SnapshotVerifier.SetCheck(id, landed.manifest(), damaged, false, null,
                    false, null), from.location());
        }
        try {
            to.writeSums();
        } catch (IOException e) {
            throw RagbackException.external("cannot rewrite " + to.root().resolve(BackupsDir.SUMS) + ": " + e.getMessage(), null, e);
        }
        return landed.manifest();
    }

    private static void requireOk(SnapshotVerifier.SetCheck check, String where) {
        if (!check.ok()) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot set " + check.id() + " in " + where
                    + " does not verify: " + String.join("; ", check.problems()), "nothing was copied; pick another set");
        }
    }

    private static void deleteQuietly(BackupsDir dir, String id) {
        dir.deleteQuietly(dir.root().resolve(id));
    }
}
