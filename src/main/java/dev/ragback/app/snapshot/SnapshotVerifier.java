package dev.ragback.app.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.DumpTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code snapshot verify}: size and sha256 of every file against the manifest, files in parallel. */
public final class SnapshotVerifier {

    /**
     * One file's verdict.
     *
     * @param path    relative to the set
     * @param problem what differs, or {@code null} when the file is intact
     */
    public record FileCheck(String path, long size, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /**
     * One set's verdict; {@code deep} tells whether the dump was also read to the end,
     * {@code signatureChecked} whether a signing key was configured (then {@code signatureProblem}
     * is {@code null} for a matching signature; a set failing it has its files left unread).
     */
    public record SetCheck(String id, Manifest manifest, List<FileCheck> files, boolean deep, String deepProblem,
                           boolean signatureChecked, String signatureProblem) {
        public boolean ok() {
            return signatureProblem == null && deepProblem == null && files.stream().allMatch(FileCheck::ok);
        }

        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (signatureProblem != null) {
                problems.add(signatureProblem);
            }
            files.stream().filter(f -> !f.ok()).forEach(f -> problems.add(id + "/" + f.path() + ": " + f.problem()));
            if (deepProblem != null) {
                problems.add(id + ": " + deepProblem);
            }
            return problems;
        }
    }

    private final BackupsDir backups;
    private final DumpTool dumpTool;
    private final ManifestSignature signature;
    private final ObjectSets remote;

    public SnapshotVerifier(BackupsDir backups, DumpTool dumpTool) {
        this(backups, dumpTool, ManifestSignature.none());
    }

    /** As above, also requiring a matching manifest signature when {@code signature} has a key. */
    public SnapshotVerifier(BackupsDir backups, DumpTool dumpTool, ManifestSignature signature) {
        this(backups, dumpTool, signature, null);
    }

    /**
     * Sets in an object store: a quick verify compares sizes and stored checksums (HEAD); a deep one
     * downloads the set into {@code staging} (removed afterwards) and checks it as a local set.
     */
    public SnapshotVerifier(BackupsDir staging, DumpTool dumpTool, ObjectSets remote) {
        this(staging, dumpTool, remote.signature(), remote);
    }

    private SnapshotVerifier(BackupsDir backups, DumpTool dumpTool, ManifestSignature signature, ObjectSets remote) {
        this.backups = backups;
        this.dumpTool = dumpTool;
        this.signature = signature;
        this.remote = remote;
    }

    private List<BackupsDir.Entry> entries() {
        return remote == null ? backups.entries() : remote.entries();
    }

    private String location() {
        return remote == null ? backups.root().toString() : remote.location();
    }

    ManifestSignature signature() {
        return signature;
    }

    /** The set to verify when none is named: the newest complete one. */
    public String newestId() {
        return entries().stream().filter(BackupsDir.Entry::complete).findFirst()
                .map(BackupsDir.Entry::id)
                .orElseThrow(() -> new RagbackException(RagbackException.Kind.INTEGRITY,
                        "no complete snapshot set in " + location(), "take one: ragback snapshot create"));
    }

    /** Ids of every complete set, newest first. */
    public List<String> completeIds() {
        return entries().stream().filter(BackupsDir.Entry::complete).map(BackupsDir.Entry::id).toList();
    }

    public SetCheck verify(String id, boolean deep) {
        return verify(id, deep, true, true);
    }

    /** Verifies only the files of the stores asked for (the manifest and its signature always). */
    public SetCheck verify(String id, boolean deep, boolean qdrant, boolean postgres) {
        if (remote != null) {
            return deep ? verifyDownloaded(id) : remote.verifyStored(id);
        }
        Path dir = backups.existing(id);
        Path manifestFile = dir.resolve(BackupsDir.MANIFEST);
        JsonNode tree = ManifestJson.readTree(manifestFile);
        Manifest manifest = checkedManifest(id, manifestFile, tree);
        String signatureProblem = signature.problem(id, tree);
        if (signatureProblem != null) {
            // the sizes and digests to compare against are the ones that cannot be trusted
            return new SetCheck(id, manifest, List.of(), deep, null, true, signatureProblem);
        }
        List<FileDigest> expected = manifest.dataFiles(qdrant, postgres);
        List<FileCheck> checks = expected.isEmpty() ? List.of() : checkAll(dir, expected);
        String deepProblem = null;
        if (deep && postgres && checks.stream().allMatch(FileCheck::ok) && manifest.postgres() != null) {
            try {
                dumpTool.checkReadable(inside(dir, manifest.postgres().file()));
            } catch (RagbackException e) {
                if (e.kind() != RagbackException.Kind.INTEGRITY) {
                    throw e;
                }
                deepProblem = e.getMessage();
            }
        }
        return new SetCheck(id, manifest, checks, deep, deepProblem, signature.enabled(), null);
    }

    /** The manifest of a complete set that lists files; fails INTEGRITY otherwise. */
    static Manifest checkedManifest(String id, Path manifestFile, JsonNode tree) {
        Manifest manifest = ManifestJson.fromTree(manifestFile, tree);
        if (!manifest.complete() || !id.equals(manifest.id())) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot set " + id + " is not complete (manifest says "
                    + manifest.status() + ", id " + manifest.id() + ")", "pick another set: ragback snapshot list");
        }
        if (manifest.dataFiles().isEmpty()) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot set " + id + " lists no files",
                    "pick another set: ragback snapshot list");
        }
        return manifest;
    }

    /** {@code --deep} on a stored set: downloaded (hashed on the way), then checked as a local set, then removed. */
    private SetCheck verifyDownloaded(String id) {
        List<FileCheck> damaged = remote.stage(id, backups, bytes -> { });
        try {
            SetCheck local = new SnapshotVerifier(backups, dumpTool, signature).verify(id, true);
            if (damaged.isEmpty()) {
                return local;
            }
            return new SetCheck(id, local.manifest(), damaged, true, local.deepProblem(), local.signatureChecked(),
                    local.signatureProblem());
        } finally {
            backups.deleteQuietly(backups.root().resolve(id));
        }
    }

    private static List<FileCheck> checkAll(Path dir, List<FileDigest> expected) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(expected.size(),
                Math.max(2, Runtime.getRuntime().availableProcessors())), r -> {
                    Thread thread = new Thread(r, "verify");
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<Future<FileCheck>> futures = new ArrayList<>();
            for (FileDigest file : expected) {
                futures.add(pool.submit(() -> check(dir, file)));
            }
            List<FileCheck> checks = new ArrayList<>();
            for (Future<FileCheck> future : futures) {
                checks.add(future.get());
            }
            return checks;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : RagbackException.external(cause.getMessage(), null, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "snapshot verify was interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    static FileCheck check(Path dir, FileDigest expected) {
        Path file;
        try {
            file = inside(dir, expected.path());
        } catch (RagbackException e) {
            return new FileCheck(expected.path(), 0, e.getMessage());
        }
        try {
            if (!Files.isRegularFile(file)) {
                return new FileCheck(expected.path(), 0, "missing");
            }
            FileDigest actual = Sha256.of(file, expected.path());
            if (actual.size() != expected.size()) {
                return new FileCheck(expected.path(), actual.size(), "size " + actual.size() + " bytes, manifest says "
                        + expected.size());
            }
            if (!actual.sha256().equalsIgnoreCase(String.valueOf(expected.sha256()))) {
                return new FileCheck(expected.path(), actual.size(), "sha256 " + actual.sha256() + ", manifest says "
                        + expected.sha256());
            }
            return new FileCheck(expected.path(), actual.size(), null);
        } catch (NoSuchFileException e) {
            return new FileCheck(expected.path(), 0, "missing");
        } catch (IOException e) {
            return new FileCheck(expected.path(), 0, "unreadable: " + e.getMessage());
        }
    }

    /** A manifest path resolved inside the set; a manifest pointing elsewhere is refused. */
    static Path inside(Path dir, String relative) {
        Path resolved = dir.resolve(relative == null ? "" : relative).normalize();
        if (relative == null || relative.isEmpty() || !resolved.startsWith(dir.normalize()) || resolved.equals(dir.normalize())) {
            throw RagbackException.malformed("manifest of " + dir.getFileName() + " names a file outside the set: '"
                    + dev.ragback.app.Names.printable(relative) + "'");
        }
        return resolved;
    }
}
