package dev.ragback.app.restore;

import dev.ragback.app.Background;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.UploadInDoubt;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.vectors.AliasSwitch;
import dev.ragback.app.vectors.UploadedCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The vector half. Behind an alias: upload into a new collection, wait until it is green with the
 * right points count, then replay the set's golden probes on it (prepare); switch the aliases in one
 * call, keeping the old collection (commit).
 * A plain collection is recovered in place. The copy Qdrant keeps of the upload is deleted
 * either way, before a half-made collection is.
 */
final class QdrantRestore {
    private static final Logger LOG = LoggerFactory.getLogger(QdrantRestore.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final BackupsDir backups;
    private final VectorStore vectors;
    private final Duration greenTimeout;
    private final ProbeComparison probeRule;
    private final ShardedLoad sharded;

    /** @param shardedOrNull loads a cluster set, shard by shard; {@code null} without qdrant.nodes */
    QdrantRestore(BackupsDir backups, VectorStore vectors, Duration greenTimeout, ProbeComparison probeRule, ShardedLoad shardedOrNull) {
        this.backups = backups;
        this.vectors = vectors;
        this.greenTimeout = greenTimeout;
        this.probeRule = probeRule;
        this.sharded = shardedOrNull;
    }

    /**
     * Uploads into the target, waits until it is green with the set's points and checks its probes. Behind an alias
     * nothing is visible yet: the commit switches the aliases; the abort deletes the new collection.
     * In place the collection has changed already: the commit recreates the manifest's aliases.
     */
    PreparedHalf prepare(RestorePlan plan, Progress progress) {
        long started = System.nanoTime();
        String target = plan.qdrantTarget();
        if (!plan.qdrantInPlace() && vectors.collectionExists(target)) {
            throw RagbackException.external("collection " + target + " appeared after the plan was made; nothing was changed",
                    "run the restore again: it picks a free name", null);
        }
        if (plan.manifest().sharded()) {
            loadShards(plan, target, progress);
        } else {
            uploadWhole(plan, target, progress);
        }
        return checked(plan, target, started, progress);
    }

    private void loadShards(RestorePlan plan, String target, Progress progress) {
        try {
            sharded.load(target, backups.existing(plan.id()), plan.manifest(), UploadedCopy.forRestore(plan.id(), target), progress);
        } catch (RagbackException e) {
            throw Background.uninterrupted(() -> new RagbackException(e.kind(), e.getMessage() + "; " + deleteNew(target, "half-restored"),
                    e.hint(), e));
        }
    }

    private void uploadWhole(RestorePlan plan, String target, Progress progress) {
        Manifest.QdrantPart part = plan.manifest().qdrant();
        Path file = backups.existing(plan.id()).resolve(part.file());
        boolean created = false;
        UploadedCopy copy = new UploadedCopy(vectors, target, UploadedCopy.forRestore(plan.id(), target), part.size());
        try {
            created = !vectors.collectionExists(target);
            progress.stage("qdrant", "upload into " + target);
            upload(target, file, part, copy, progress);
            copy.remove(); // a copy that stays is logged as a warning; the restore itself worked
        } catch (UploadInDoubt e) {
            throw e; // Qdrant may still be recovering: neither its copy nor the collection is touched
        } catch (RagbackException e) {
            boolean made = created;
            throw Background.uninterrupted(() -> { // the clean-up must reach Qdrant even after Ctrl-C
                String left = copy.remove();
                RagbackException failure = left == null ? e : new RagbackException(e.kind(), e.getMessage() + "; " + left, e.hint(), e);
                return made ? new RagbackException(failure.kind(), failure.getMessage() + "; " + deleteNew(target, "half-restored"),
                        failure.hint(), failure) : failure;
            });
        }
    }

    private PreparedHalf checked(RestorePlan plan, String target, long started, Progress progress) {
        Manifest.QdrantPart part = plan.manifest().qdrant();
        boolean aliasMode = !plan.qdrantInPlace();
        try {
            checkProbes(plan, target, progress);
        } catch (RagbackException e) {
            if (!aliasMode) {
                throw e; // recovered in place already: there is nothing to delete (failedState says what it holds)
            }
            throw Background.uninterrupted(() -> new RagbackException(e.kind(), e.getMessage() + "; " + deleteNew(target, "new"),
                    e.hint(), e));
        }
        Runnable commit = () -> {
            if (!plan.aliasesToSwitch().isEmpty()) {
                new AliasSwitch(vectors).pointAt(plan.aliasesToSwitch(), target);
            }
        };
        if (!aliasMode) {
            return PreparedHalf.of(started, part.size(), commit, () -> "restored in place from " + plan.id()
                    + " (a plain collection cannot wait)");
        }
        return PreparedHalf.of(started, part.size(), commit,
                () -> Background.uninterrupted(() -> unchanged(plan) + "; " + deleteNew(target, "new")));
    }

    /** The vector store's state after its prepare failed with {@code failure}. */
    static String failedState(RestorePlan plan, RuntimeException failure) {
        if (failure instanceof UploadInDoubt) {
            return "in doubt: Qdrant may still be recovering into " + plan.qdrantTarget() + " (see above); no alias was switched";
        }
        if (plan.qdrantInPlace() && failure instanceof ProbesFailed) {
            return "changed: " + plan.qdrantTarget() + " was recovered in place from " + plan.id() + ", but its probes fail;"
                    + " check it with ragback verify --snapshot " + plan.id();
        }
        if (plan.qdrantInPlace()) {
            return "unknown after a failed in-place recovery of " + plan.qdrantTarget() + ": check it with ragback verify --snapshot "
                    + plan.id();
        }
        return unchanged(plan);
    }

    private static String unchanged(RestorePlan plan) {
        String alias = plan.aliasesToSwitch().isEmpty() ? "no alias" : "alias " + plan.aliasesToSwitch().get(0);
        return "unchanged, " + alias + " still on " + (plan.previousCollection() == null ? "nothing" : plan.previousCollection());
    }

    /**
     * Uploads once and waits until the collection is green with the set's points. When the answer is
     * lost after the whole file went out, the collection is watched instead (the server goes on
     * recovering): done within qdrant.green_timeout is success; otherwise an {@link UploadInDoubt}
     * that says what was last seen.
     */
    private void upload(String target, Path file, Manifest.QdrantPart part, UploadedCopy copy, Progress progress) {
        try {
            vectors.uploadSnapshot(target, file, part.sha256(), copy.name(), copy.counting(sent -> progress.bytes("qdrant", sent)));
        } catch (UploadInDoubt lost) {
            progress.stage("qdrant", "no answer to the upload; watching " + target);
            LOG.warn("{}; not sending it again: watching {} for up to {}", lost.getMessage(), target,
                    dev.ragback.app.Durations.format(greenTimeout));
            try {
                awaitGreen(target, part.pointsCount());
            } catch (RagbackException still) {
                throw new UploadInDoubt(lost.getMessage() + "; " + still.getMessage() + ". ragback did not send it again"
                        + " and left " + target + " and the uploaded copy " + copy.name() + " as they are: look at them"
                        + " (ragback qdrant collections) before you run the restore again; ragback qdrant prune-snapshots"
                        + " deletes the copy", lost);
            }
            LOG.warn("the upload's answer was lost, but {} is green with its {} points: Qdrant finished the recovery",
                    target, part.pointsCount());
            return;
        }
        progress.stage("qdrant", "waiting for " + target + " to be green");
        awaitGreen(target, part.pointsCount());
    }

    /** Green with the right count is not enough: the set's golden top-k queries must answer as they did (SPEC section 4). */
    private void checkProbes(RestorePlan plan, String target, Progress progress) {
        List<Manifest.Probe> probes = plan.manifest().probes();
        if (probes == null || probes.isEmpty()) {
            return;
        }
        progress.stage("qdrant", "checking the " + probes.size() + " golden probes on " + target);
        List<String> failed = probeRule.replay(vectors, target, plan.manifest().qdrant().vectorName(), probes).stream()
                .filter(outcome -> !outcome.passed()).map(outcome -> "probe " + outcome.pointId() + ": " + outcome.problem()).toList();
        if (!failed.isEmpty()) {
            throw new ProbesFailed("collection " + target + " is green with its " + plan.manifest().qdrant().pointsCount()
                    + " points, but " + failed.size() + " of the " + probes.size() + " golden probes of set " + plan.id()
                    + " fail (" + String.join("; ", failed) + ")",
                    "the set's vectors do not answer as they did when it was taken: pick another set (ragback snapshot list)");
        }
    }

    /** The restored collection does not answer the set's golden probes: a gate (exit 3), found before any commit. */
    static final class ProbesFailed extends RagbackException {
        ProbesFailed(String message, String hint) {
            super(Kind.GATE, message, hint);
        }
    }

    private void awaitGreen(String collection, long expectedPoints) {
        long deadline = System.nanoTime() + greenTimeout.toNanos();
        String last = "missing";
        while (true) {
            Optional<CollectionInfo> info = vectors.collectionExists(collection) ? vectors.collection(collection) : Optional.empty();
            if (info.isPresent()) {
                last = info.get().status();
                if (info.get().green()) {
                    long points = vectors.countPoints(collection);
                    if (points == expectedPoints) {
                        return;
                    }
                    last = "green with " + points + " points, expected " + expectedPoints;
                }
            }
            if (System.nanoTime() > deadline) {
                throw RagbackException.external("collection " + collection + " is not green with " + expectedPoints
                        + " points after " + dev.ragback.app.Durations.format(greenTimeout) + " (last seen: " + last + ")",
                        "look at Qdrant's log, or raise qdrant.green_timeout", null);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while waiting for " + collection);
            }
        }
    }

    private String deleteNew(String target, String which) {
        try {
            if (!vectors.collectionExists(target)) {
                return "no collection " + target + " was made, no alias was switched";
            }
            vectors.deleteCollection(target);
            return "the " + which + " collection " + target + " was deleted, no alias was switched";
        } catch (RuntimeException e) {
            return "the " + which + " collection " + target + " could not be deleted (" + e.getMessage()
                    + "), no alias was switched: delete it with ragback qdrant drop " + target;
        }
    }
}
