package dev.ragback.app.snapshot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Permissions;
import dev.ragback.app.port.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Snapshot sets in an object store, with the layout of SPEC section 4 under the repository prefix:
 * {@code <id>/manifest.json} written last (a set without it is incomplete), the data files, and
 * {@code <id>/checksums.json}: the checksum attribute each data object was stored with, which a
 * quick verify compares with what the store reports (HEAD). Manifests are read into a local scratch
 * directory so the rules of {@link BackupsDir}, {@link ManifestJson} and signing apply unchanged.
 */
public final class ObjectSets {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ObjectSets.class);
    static final String CHECKSUMS = "checksums.json";
    /** Incomplete sets younger than this may be a create still running: prune leaves them. */
    public static final Duration INCOMPLETE_GRACE = Duration.ofDays(1);

    private final BlobStore store;
    private final Path scratch;
    private final ManifestSignature signature;
    private final Clock clock;

    public ObjectSets(BlobStore store, Path scratch, ManifestSignature signature, Clock clock) {
        this.store = store;
        this.scratch = scratch;
        this.signature = signature;
        this.clock = clock;
    }

    public String location() {
        return store.location();
    }

    ManifestSignature signature() {
        return signature;
    }

    /** Every set and leftover, newest first; {@link BackupsDir.Entry#dir()} holds the downloaded manifest. */
    public List<BackupsDir.Entry> entries() {
        Map<String, List<BlobStore.Blob>> byId = new TreeMap<>();
        for (BlobStore.Blob blob : store.list("")) {
            int slash = blob.key().indexOf('/');
            String id = slash < 0 ? blob.key() : blob.key().substring(0, slash);
            if (slash > 0 && BackupsDir.ID.matcher(id).matches()) {
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(blob);
            }
        }
        List<BackupsDir.Entry> entries = new ArrayList<>();
        byId.forEach((id, blobs) -> entries.add(entry(id, blobs)));
        entries.sort(Comparator.comparing((BackupsDir.Entry e) -> BackupsDir.sortKey(e.id())).reversed());
        return entries;
    }

    private BackupsDir.Entry entry(String id, List<BlobStore.Blob> blobs) {
        String where = location() + "/" + id;
        if (blobs.stream().noneMatch(b -> b.key().equals(id + "/" + BackupsDir.MANIFEST))) {
            return new BackupsDir.Entry(id, null, null, "incomplete (no manifest: an interrupted create or copy)", where);
        }
        BackupsDir.Entry local = BackupsDir.entry(id, fetchManifest(id));
        return new BackupsDir.Entry(id, local.dir(), local.manifest(), local.problem(), where);
    }

    /** When the newest object of an incomplete set was written. */
    private Instant lastWrite(String id) {
        return store.list(id + "/").stream().map(BlobStore.Blob::modified).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
    }

    /** Downloads {@code <id>/manifest.json} into the scratch dir; returns the directory it is in. */
    Path fetchManifest(String id) {
        byte[] bytes = store.read(id + "/" + BackupsDir.MANIFEST).orElseThrow(() -> noSet(id));
        try {
            Path dir = scratch.resolve("manifests").resolve(id);
            Files.createDirectories(dir);
            Permissions.ownerOnlyDirectory(dir);
            dev.ragback.app.files.AtomicFiles.write(dir.resolve(BackupsDir.MANIFEST), new String(bytes,
                    java.nio.charset.StandardCharsets.UTF_8), false);
            return dir;
        } catch (IOException e) {
            throw RagbackException.external("cannot write to " + scratch + ": " + e.getMessage(), "check backups.staging", e);
        }
    }

    private RagbackException noSet(String id) {
        return new RagbackException(RagbackException.Kind.INTEGRITY, "no snapshot set '" + id + "' in " + location(),
                "list the sets: ragback snapshot list");
    }

    /** {@code snapshot verify} without {@code --deep}: the manifest, then size and stored checksum of every object (HEAD). */
    public SnapshotVerifier.SetCheck verifyStored(String id) {
        dev.ragback.app.Names.require("snapshot id", id);
        Path dir = fetchManifest(id);
        Path manifestFile = dir.resolve(BackupsDir.MANIFEST);
        JsonNode tree = ManifestJson.readTree(manifestFile);
        Manifest manifest = SnapshotVerifier.checkedManifest(id, manifestFile, tree);
        String signatureProblem = signature.problem(id, tree);
        if (signatureProblem != null) {
            return new SnapshotVerifier.SetCheck(id, manifest, List.of(), false, null, true, signatureProblem);
        }
        Map<String, String> stored = checksums(id);
        List<SnapshotVerifier.FileCheck> checks = new ArrayList<>();
        for (FileDigest file : manifest.dataFiles()) {
            checks.add(checkStored(id, file, stored.get(file.path())));
        }
        return new SnapshotVerifier.SetCheck(id, manifest, checks, false, null, signature.enabled(), null);
    }

    private SnapshotVerifier.FileCheck checkStored(String id, FileDigest expected, String recorded) {
        try {
            SnapshotVerifier.inside(Path.of(id), expected.path());
        } catch (RagbackException e) {
            return new SnapshotVerifier.FileCheck(expected.path(), 0, e.getMessage());
        }
        Optional<BlobStore.Blob> head = store.head(id + "/" + expected.path());
        if (head.isEmpty()) {
            return new SnapshotVerifier.FileCheck(expected.path(), 0, "missing");
        }
        BlobStore.Blob blob = head.get();
        if (blob.size() != expected.size()) {
            return new SnapshotVerifier.FileCheck(expected.path(), blob.size(), "size " + blob.size()
                    + " bytes, manifest says " + expected.size());
        }
        String wanted = recorded != null ? recorded : wholeChecksum(expected.sha256());
        if (recorded != null && !recorded.contains("-") && !recorded.equals(wholeChecksum(expected.sha256()))) {
            return new SnapshotVerifier.FileCheck(expected.path(), blob.size(), "checksums.json says " + recorded
                    + ", the manifest's sha256 is " + expected.sha256());
        }
        if (blob.checksum() == null) {
            LOG.warn("{}/{}/{}: the store keeps no SHA-256 checksum attribute; only its size was checked (use --deep)",
                    location(), id, expected.path());
        } else if (!blob.checksum().equals(wanted)) {
            return new SnapshotVerifier.FileCheck(expected.path(), blob.size(), "stored checksum " + blob.checksum()
                    + ", expected " + wanted);
        }
        return new SnapshotVerifier.FileCheck(expected.path(), blob.size(), null);
    }

    private static String wholeChecksum(String sha256Hex) {
        return sha256Hex == null ? null : Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex));
    }

    private Map<String, String> checksums(String id) {
        return store.read(id + "/" + CHECKSUMS).map(bytes -> {
            try {
                return ManifestJson.MAPPER.readValue(bytes, new TypeReference<Map<String, String>>() { });
            } catch (IOException e) {
                throw RagbackException.malformed(location() + "/" + id + "/" + CHECKSUMS + ": " + e.getMessage());
            }
        }).orElse(Map.of());
    }

    /**
     * Downloads set {@code id} into {@code into} as a complete local set ({@code <into>/<id>}),
     * hashing every file on the way. Returns the files whose bytes differ from the manifest; the
     * caller verifies the local set again before it uses a byte of it.
     */
    public List<SnapshotVerifier.FileCheck> stage(String id, BackupsDir into, LongConsumer progress) {
        Path manifestDir = fetchManifest(id);
        Manifest manifest = SnapshotVerifier.checkedManifest(id, manifestDir.resolve(BackupsDir.MANIFEST),
                ManifestJson.readTree(manifestDir.resolve(BackupsDir.MANIFEST)));
        List<SnapshotVerifier.FileCheck> damaged = new ArrayList<>();
        try {
            Permissions.ownerOnlyDirectory(into.root());
            Path temp = into.temp(id);
            if (Files.exists(temp)) {
                into.delete(temp);
            }
            Path done = into.root().resolve(id);
            if (Files.exists(done)) {
                into.delete(done);
            }
            Files.createDirectories(temp);
            for (FileDigest file : manifest.dataFiles()) {
                Path target = SnapshotVerifier.inside(temp, file.path());
                Files.createDirectories(target.getParent());
                FileDigest got = store.download(id + "/" + file.path(), target, file.path(), progress);
                if (got.size() != file.size() || !got.sha256().equalsIgnoreCase(String.valueOf(file.sha256()))) {
                    damaged.add(new SnapshotVerifier.FileCheck(file.path(), got.size(), "downloaded sha256 " + got.sha256()
                            + " (" + got.size() + " bytes), manifest says " + file.sha256() + " (" + file.size() + " bytes)"));
                }
            }
            Files.copy(manifestDir.resolve(BackupsDir.MANIFEST), temp.resolve(BackupsDir.MANIFEST));
            into.publish(id);
            return damaged;
        } catch (IOException e) {
            String full = dev.ragback.app.files.DiskFull.reason(e);
            throw RagbackException.external("cannot stage " + id + " in " + into.root() + ": "
                    + (full != null ? full + ": " : "") + e.getMessage(),
                    "free space there or point backups.staging at a bigger disk", e);
        }
    }

    /**
     * Uploads the complete local set {@code id} of {@code from}: data files (checked against the
     * manifest as they stream), then checksums.json, then the manifest last.
     */
    public void publish(BackupsDir from, String id, LongConsumer progress) {
        Path dir = from.existing(id);
        Manifest manifest = ManifestJson.read(dir.resolve(BackupsDir.MANIFEST));
        Map<String, String> checksums = new LinkedHashMap<>();
        try {
            for (FileDigest file : manifest.dataFiles()) {
                BlobStore.Uploaded uploaded;
                try (InputStream in = Files.newInputStream(SnapshotVerifier.inside(dir, file.path()))) {
                    uploaded = store.upload(id + "/" + file.path(), in, file.path(), progress);
                }
                if (!uploaded.digest().sha256().equalsIgnoreCase(String.valueOf(file.sha256()))) {
                    throw new RagbackException(RagbackException.Kind.INTEGRITY, "the local copy of " + id + "/" + file.path()
                            + " does not match its manifest (sha256 " + uploaded.digest().sha256() + ")",
                            "verify it: ragback snapshot verify " + id);
                }
                checksums.put(file.path(), uploaded.checksum());
            }
            store.put(id + "/" + CHECKSUMS, ManifestJson.MAPPER.writeValueAsBytes(checksums));
            store.put(id + "/" + BackupsDir.MANIFEST, Files.readAllBytes(dir.resolve(BackupsDir.MANIFEST)));
        } catch (IOException e) {
            throw RagbackException.external("cannot read " + dir + ": " + e.getMessage(), null, e);
        }
    }

    /** A new object of the store, streamed (a set created straight into the bucket). */
    BlobStore.Upload open(String key, LongConsumer progress) {
        return store.open(key, progress);
    }

    /** A set id from {@code base} ({@code yyyyMMdd-HHmmss}) that no object of the store uses yet: base, base-2, ... */
    String freeId(String base) {
        for (int n = 1; ; n++) {
            String id = n == 1 ? base : base + "-" + n;
            if (store.list(id + "/").isEmpty()) {
                return id;
            }
        }
    }

    /** Publishes a set whose data objects are written: checksums.json, then the (signed) manifest last. */
    void complete(String id, Map<String, String> checksums, Manifest manifest) throws IOException {
        store.put(id + "/" + CHECKSUMS, ManifestJson.MAPPER.writeValueAsBytes(checksums));
        Path dir = Permissions.ownerOnlyDirectory(scratch.resolve("manifests").resolve(id));
        Path file = dir.resolve(BackupsDir.MANIFEST);
        ManifestJson.write(file, manifest, signature);
        store.put(id + "/" + BackupsDir.MANIFEST, Files.readAllBytes(file));
    }

    /** Removes every object of set {@code id} and aborts its multipart uploads; false (logged) when that failed. */
    boolean discard(String id) {
        try {
            store.delete(store.list(id + "/").stream().map(BlobStore.Blob::key).toList());
            store.abortUploads(id + "/", Instant.MAX);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not remove the unfinished set {}/{}: {}", location(), id, e.getMessage());
            return false;
        }
    }

    /** Writes a manifest rewritten in the scratch dir back to the store. */
    void pushManifest(String id, Path manifestFile) {
        try {
            store.put(id + "/" + BackupsDir.MANIFEST, Files.readAllBytes(manifestFile));
        } catch (IOException e) {
            throw RagbackException.external("cannot read " + manifestFile + ": " + e.getMessage(), null, e);
        }
    }

    /** Incomplete sets younger than {@code grace} are kept: a create may still be writing them. */
    boolean removable(BackupsDir.Entry entry, Duration grace) {
        return entry.complete() || lastWrite(entry.id()).isBefore(clock.instant().minus(grace));
    }

    /** Removes sets: each manifest first, so a set half-deleted never looks complete. */
    void remove(List<BackupsDir.Entry> entries) {
        for (BackupsDir.Entry entry : entries) {
            store.delete(List.of(entry.id() + "/" + BackupsDir.MANIFEST));
            store.delete(store.list(entry.id() + "/").stream().map(BlobStore.Blob::key).toList());
        }
    }

    /**
     * Aborts ragback's multipart uploads (under the prefix) started more than {@code grace} ago; a
     * zero grace (the operator says no create is running) aborts every one, whatever start time the
     * store reports (s3proxy's filesystem backend reports the time of the listing).
     */
    int abortUploads(Duration grace) {
        return store.abortUploads("", grace.isZero() ? Instant.MAX : clock.instant().minus(grace));
    }
}
