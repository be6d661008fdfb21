package dev.ragback.app.snapshot;

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

    public SnapshotCatalog(BackupsDir backups, SnapshotVerifier verifier, Clock clock) {
        this.backups = backups;
        this.verifier = verifier;
        this.clock = clock;
    }

    /** Every set and leftover, newest first. */
    public List<BackupsDir.Entry> list() {
        return backups.entries();
    }

    /** The newest complete golden set, if any. */
    public Optional<BackupsDir.Entry> newestGolden() {
        return backups.entries().stream().filter(e -> e.complete() && e.manifest().golden()).findFirst();
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
        Path manifestFile = backups.existing(id).resolve(BackupsDir.MANIFEST);
        ManifestSignature signature = verifier.signature();
        if (!signature.enabled() && ManifestJson.readTree(manifestFile).has(ManifestSignature.FIELD)) {
            throw new RagbackException(RagbackException.Kind.USAGE, "manifest of " + id + " is signed; promoting it without "
                    + "RAGBACK_SIGNING_KEY would leave a signature that no longer matches",
                    "set RAGBACK_SIGNING_KEY to the key the set was made with and run the promote again");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("golden", true);
        fields.put("golden_at", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            ManifestJson.update(manifestFile, fields, signature);
        } catch (IOException e) {
            throw RagbackException.external("cannot rewrite the manifest of " + id + ": " + e.getMessage(), null, e);
        }
        return verifier.verify(id, false);
    }

    /** Keeps the {@code keep} newest complete sets and always the newest golden one; removes the rest and every leftover. */
    public PrunePlan plan(int keep) {
        List<BackupsDir.Entry> remove = new ArrayList<>();
        List<BackupsDir.Entry> kept = new ArrayList<>();
        String golden = newestGolden().map(BackupsDir.Entry::id).orElse(null);
        for (BackupsDir.Entry entry : backups.entries()) {
            if (!entry.complete()) {
                remove.add(entry);
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
        } catch (IOException e) {
            throw RagbackException.external("prune failed in " + backups.root() + ": " + e.getMessage(),
                    "run ragback snapshot prune again", e);
        }
    }
}
