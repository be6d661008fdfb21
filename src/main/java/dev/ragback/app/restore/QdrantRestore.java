package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The vector half. Behind an alias: upload into a new collection, wait until it is green with
 * the right points count, then switch the aliases in one call, keeping the old collection.
 * A plain collection is recovered in place.
 */
final class QdrantRestore {
    private static final Logger LOG = LoggerFactory.getLogger(QdrantRestore.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final BackupsDir backups;
    private final VectorStore vectors;
    private final Duration greenTimeout;

    QdrantRestore(BackupsDir backups, VectorStore vectors, Duration greenTimeout) {
        this.backups = backups;
        this.vectors = vectors;
        this.greenTimeout = greenTimeout;
    }

    /** {millis, bytes}. */
    long[] restore(RestorePlan plan, Progress progress) {
        long started = System.nanoTime();
        Manifest.QdrantPart part = plan.manifest().qdrant();
        Path file = backups.existing(plan.id()).resolve(part.file());
        String target = plan.qdrantTarget();
        boolean aliasMode = !plan.qdrantInPlace();
        boolean created = false;
        if (aliasMode && vectors.collection(target).isPresent() && !aliasedTo(target)) {
            LOG.info("removing {} left by an earlier, unfinished restore", target);
            vectors.deleteCollection(target);
        }
        try {
            created = vectors.collection(target).isEmpty();
            progress.stage("qdrant", "upload into " + target);
            vectors.uploadSnapshot(target, file, part.sha256(), sent -> progress.bytes("qdrant", sent));
            progress.stage("qdrant", "waiting for " + target + " to be green");
            awaitGreen(target, part.pointsCount());
            if (!plan.aliasesToSwitch().isEmpty()) {
                switchAliases(plan, target);
            }
        } catch (RagbackException e) {
            throw created ? deleteHalfCollection(target, e) : e;
        }
        return new long[] {(System.nanoTime() - started) / 1_000_000, part.size()};
    }

    private boolean aliasedTo(String collection) {
        return vectors.aliases().stream().anyMatch(a -> a.collectionName().equals(collection));
    }

    private void awaitGreen(String collection, long expectedPoints) {
        long deadline = System.nanoTime() + greenTimeout.toNanos();
        String last = "missing";
        while (true) {
            Optional<CollectionInfo> info = vectors.collection(collection);
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

    private void switchAliases(RestorePlan plan, String target) {
        List<String> existing = vectors.aliases().stream().map(Alias::aliasName).toList();
        List<VectorStore.AliasAction> actions = new ArrayList<>();
        for (String alias : plan.aliasesToSwitch()) {
            if (existing.contains(alias)) {
                actions.add(VectorStore.AliasAction.remove(alias));
            }
            actions.add(VectorStore.AliasAction.create(alias, target));
        }
        vectors.updateAliases(actions);
    }

    private RagbackException deleteHalfCollection(String target, RagbackException cause) {
        String outcome;
        try {
            vectors.deleteCollection(target);
            outcome = "the half-restored collection " + target + " was deleted, no alias was switched";
        } catch (RuntimeException e) {
            outcome = "the half-restored collection " + target + " could not be deleted (" + e.getMessage()
                    + "), no alias was switched";
        }
        return new RagbackException(cause.kind(), cause.getMessage() + "; " + outcome, cause.hint(), cause);
    }
}
