package dev.ragback.app.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.RagbackException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code snapshot list}, {@code promote} and {@code prune}. */
public final class SnapshotCatalog {

    /**
     * What prune removes and keeps.
     *
     * @param remove sets and leftovers to remove
     * @param keep   complete sets kept
     */
    public record PrunePlan(List<BackupsDir.Entry> remove, List<BackupsDir.Entry> keep) {
    }

    private final BackupsDir backups;
    private final SnapshotVerifier verifier;
    private final Clock clock;
    private final ObjectSets remote;

    public SnapshotCatalog(BackupsDir backups, SnapshotVerifier verifier, Clock clock) {
        this(backups, verifier, clock, null);
    }

    /** The sets of an object store ({@code remote}); manifests are rewritten in place there. */
    public SnapshotCatalog(ObjectSets remote, SnapshotVerifier verifier, Clock clock) {
        this(null, verifier, clock, remote);
    }

    private SnapshotCatalog(BackupsDir backups, SnapshotVerifier verifier, Clock clock, ObjectSets remote) {
        this.backups = backups;
        this.verifier = verifier;
        this.clock = clock;
        this.remote = remote;
    }

    /** Where the sets are: a directory or {@code s3://bucket/prefix}. */
    public String location() {
        return remote == null ? backups.root().toString() : remote.location();
    }

    /** Every set and leftover, newest first. */
    public List<BackupsDir.Entry> list() {
        return remote == null ? backups.entries() : remote.entries();
    }

    /** The newest complete golden set, if any. */
    public Optional<BackupsDir.Entry> newestGolden() {
        return list().stream().filter(e -> e.complete() && e.manifest().golden()).findFirst();
    }

    /** Verifies the set, then marks it golden; fails INTEGRITY (nothing changed) when it does not verify. */
    public SnapshotVerifier.SetCheck promote(String id) {
        SnapshotVerifier.SetCheck check = verifier.verify(id, false);
        if (!check.ok()) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot set " + id + " does not verify: "
                    + String.join("; ", check.problems()), "a damaged set cannot be golden; promote another one");
        }
        if (check.manifest().golden()) {
            return check;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("golden", true);
        fields.put("golden_at", now());
        rewrite(id, "promoting", fields);
        return verifier.verify(id, false);
    }

    /**
     * Records the quick evaluation's mean scores as the set's {@code eval_baseline}
     * ({@code {"recorded_at": ..., "metrics": {...}}}), keeping every other field; fails, changing
     * nothing, as {@link #checkRewritable} does.
     *
     * @return the manifest as rewritten
     */
    public Manifest recordEvalBaseline(String id, Map<String, Double> scores) {
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("recorded_at", now());
        baseline.put("metrics", new LinkedHashMap<>(scores));
        return rewrite(id, "recording a baseline in", Map.of("eval_baseline", baseline));
    }

    /**
     * Fails, changing nothing, when the manifest of set {@code id} cannot be rewritten and stay
     * trusted: USAGE when it is signed and no key is set, INTEGRITY when its signature does not
     * match the key (re-signing it would bless whatever changed it). Data files are not hashed.
     */
    public void checkRewritable(String id) {
        checkRewritable(id, "rewriting");
    }

    /** The manifest of set {@code id} as stored (not verified). */
    public Manifest manifest(String id) {
        return ManifestJson.read(manifestFile(id));
    }

    /** The set's directory; for an object store, the local directory holding only its downloaded manifest. */
    public Path setDir(String id) {
        return manifestFile(id).getParent();
    }

    private Path manifestFile(String id) {
        return (remote == null ? backups.existing(id) : remote.fetchManifest(id)).resolve(BackupsDir.MANIFEST);
    }

    private void checkRewritable(String id, String doing) {
        Path manifestFile = manifestFile(id);
        JsonNode tree = ManifestJson.readTree(manifestFile);
        ManifestSignature signature = verifier.signature();
        if (!signature.enabled() && tree.has(ManifestSignature.FIELD)) {
            throw new RagbackException(RagbackException.Kind.USAGE, "manifest of " + id + " is signed; " + doing + " it without "
                    + "RAGBACK_SIGNING_KEY would leave a signature that no longer matches",
                    "set RAGBACK_SIGNING_KEY to the key the set was made with and run the command again");
        }
        String problem = signature.problem(id, tree);
        if (problem != null) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, problem, "check it: ragback snapshot verify " + id);
        }
    }

    private Manifest rewrite(String id, String doing, Map<String, Object> fields) {
        checkRewritable(id, doing);
        Path manifestFile = manifestFile(id);
        try {
            ManifestJson.update(manifestFile, fields, verifier.signature());
            if (remote != null) {
                remote.pushManifest(id, manifestFile);
            } else {
                backups.writeSums();
            }
        } catch (IOException e) {
            throw RagbackException.external("cannot rewrite the manifest of " + id + ": " + e.getMessage(), null, e);
        }
        return ManifestJson.read(manifestFile);
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Keeps the {@code keep} newest complete sets and always the newest golden one; removes the rest and every leftover. */
    public PrunePlan plan(int keep) {
        return plan(keep, ObjectSets.INCOMPLETE_GRACE);
    }

    /**
     * As {@link #plan(int)}; in an object store, incomplete sets are removed only once their newest
     * object is older than {@code incompleteGrace} (a create may still be uploading them).
     */
    public PrunePlan plan(int keep, java.time.Duration incompleteGrace) {
        List<BackupsDir.Entry> remove = new ArrayList<>();
        List<BackupsDir.Entry> kept = new ArrayList<>();
        List<BackupsDir.Entry> entries = list();
        String golden = entries.stream().filter(e -> e.complete() && e.manifest().golden()).findFirst()
                .map(BackupsDir.Entry::id).orElse(null);
        for (BackupsDir.Entry entry : entries) {
            if (!entry.complete()) {
                if (remote == null || remote.removable(entry, incompleteGrace)) {
                    remove.add(entry);
                }
            } else if (kept.size() < keep || entry.id().equals(golden)) {
                kept.add(entry);
            } else {
                remove.add(entry);
            }
        }
        return new PrunePlan(remove, kept);
    }

    /** Carries out a plan; each set is first renamed to a leftover so a crash half-way never leaves a set that looks complete. */
    public void prune(PrunePlan plan) {
        prune(plan, ObjectSets.INCOMPLETE_GRACE);
    }

    /**
     * As {@link #prune(PrunePlan)}; in an object store it also aborts ragback's multipart uploads
     * started more than {@code uploadGrace} ago, and returns how many (0 for a directory).
     */
    public int prune(PrunePlan plan, java.time.Duration uploadGrace) {
        if (remote != null) {
            remote.remove(plan.remove());
            return remote.abortUploads(uploadGrace);
        }
        try {
            List<Path> doomed = new ArrayList<>();
            for (BackupsDir.Entry entry : plan.remove()) {
                Path dir = entry.dir();
                if (dir.getFileName().toString().equals(entry.id())) {
                    Path retired = backups.root().resolve(BackupsDir.TEMP_PREFIX + entry.id() + "-pruned");
                    dev.ragback.app.files.AtomicFiles.move(dir, retired);
                    dir = retired;
                }
                doomed.add(dir);
            }
            backups.writeSums();
            for (Path dir : doomed) {
                backups.delete(dir);
            }
            return 0;
        } catch (IOException e) {
            throw RagbackException.external("prune failed in " + backups.root() + ": " + e.getMessage(),
                    "run ragback snapshot prune again", e);
        }
    }
}
