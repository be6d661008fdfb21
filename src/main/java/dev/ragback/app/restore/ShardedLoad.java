package dev.ragback.app.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.Background;
import dev.ragback.app.Durations;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.port.UploadInDoubt;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.vectors.ReplicaFailover;
import dev.ragback.app.vectors.ShardCounts;
import dev.ragback.app.vectors.ShardMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loads a cluster set into a new collection: created from the recorded config (custom shard keys and payload
 * indexes too), every replica Active, each shard's snapshot uploaded to a peer holding a replica of it (shards
 * in parallel), every replica Active again with no transfer, and the exact counts equal to the set's, per replica of
 * each shard and in total. The caller drops the collection when this fails.
 */
final class ShardedLoad {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedLoad.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final ClusterNodes nodes;
    private final VectorStore vectors;
    private final int parallelShards;
    private final Duration replicasTimeout;

    ShardedLoad(ClusterNodes nodes, VectorStore vectors, int parallelShards, Duration replicasTimeout) {
        this.nodes = nodes;
        this.vectors = vectors;
        this.parallelShards = parallelShards;
        this.replicasTimeout = replicasTimeout;
    }

    void load(String target, Path setDir, Manifest manifest, String uploadName, Progress progress) {
        Manifest.QdrantPart part = manifest.qdrant();
        Manifest.Sharding sharding = part.sharding();
        progress.stage("qdrant", "creating " + target + " (" + sharding.shards().size() + " shards, replication factor "
                + sharding.replicationFactor() + ")");
        nodes.createCollection(target, part.config());
        for (Object key : sharding.shardKeys()) {
            nodes.createShardKey(target, key, sharding.shardNumber(), sharding.replicationFactor());
        }
        JsonNode indexes = sharding.payloadIndexes();
        if (indexes != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = indexes.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> index = it.next();
                nodes.createPayloadIndex(target, index.getKey(), index.getValue());
            }
        }
        progress.stage("qdrant", "waiting for every replica of " + target + " to be Active");
        ShardLayout empty = awaitSettled(target, "before the upload");
        Map<Manifest.ShardFile, ShardLayout.Shard> placed = match(sharding.shards(), empty, target);
        progress.stage("qdrant", "uploading " + placed.size() + " shard snapshots into " + target);
        Background.map("shard-upload", List.copyOf(placed.entrySet()), parallelShards, entry -> {
            upload(target, setDir, entry.getKey(), entry.getValue(), uploadName);
            return null;
        });
        progress.stage("qdrant", "waiting for every replica of " + target + " to be Active, with no transfer");
        ShardLayout loaded = awaitSettled(target, "after the upload");
        checkCounts(target, part, placed, loaded);
    }

    private static Map<Manifest.ShardFile, ShardLayout.Shard> match(List<Manifest.ShardFile> files, ShardLayout layout, String target) {
        Map<Manifest.ShardFile, ShardLayout.Shard> placed = ShardMatch.of(files, layout);
        placed.forEach((file, shard) -> {
            if (shard == null) {
                throw RagbackException.external("the new collection " + target + " has no shard for the set's shard "
                        + ShardMatch.name(file) + ": its shard layout differs from the set's",
                        "compare them: ragback qdrant shards --collection=" + target, null);
            }
        });
        return placed;
    }

    private void upload(String target, Path setDir, Manifest.ShardFile file, ShardLayout.Shard shard, String uploadName) {
        try {
            ReplicaFailover.first(shard.replicas(), "upload of shard " + shard.id(), replica -> {
                uploadTo(replica.peer(), target, shard.id(), setDir.resolve(file.file()), file.sha256(), uploadName);
                return replica;
            }, last -> RagbackException.external("the snapshot of shard " + file.shardId() + " could not be uploaded into " + target
                    + " on any peer holding a replica of it (" + last.getMessage() + ")", "check the nodes: ragback qdrant shards", last));
        } finally {
            Background.uninterrupted(() -> {
                List<String> left = nodes.deleteShardSnapshots(shard.replicas().stream().map(ShardLayout.Replica::peer).toList(),
                        target, shard.id(), uploadName);
                left.forEach(l -> LOG.warn("the uploaded copy {} of shard {} may be left on {}", uploadName, shard.id(), l));
                return null;
            });
        }
    }

    /**
     * A lost answer is sent again to the same peer once: a shard recovery replaces the whole local shard with the
     * snapshot's data ({@code ShardReplicaSet::restore_local_replica_from}), and two on one replica take turns on its
     * lock, so the second leaves what the first would have; nothing is loaded twice. Another peer comes next only
     * when this one fails again.
     */
    private void uploadTo(long peer, String target, int shardId, Path file, String sha256, String uploadName) {
        try {
            nodes.uploadShard(peer, target, shardId, file, sha256, uploadName);
        } catch (UploadInDoubt lost) {
            LOG.warn("shard {}: {}; sending it to peer {} again (a shard recovery replaces the shard, so this is safe)",
                    shardId, lost.getMessage(), peer);
            nodes.uploadShard(peer, target, shardId, file, sha256, uploadName);
        }
    }

    private void checkCounts(String target, Manifest.QdrantPart part, Map<Manifest.ShardFile, ShardLayout.Shard> placed,
                             ShardLayout loaded) {
        List<String> wrong = new ArrayList<>();
        ShardLayout counted = ShardCounts.exact(nodes, target, loaded);
        for (Map.Entry<Manifest.ShardFile, ShardLayout.Shard> entry : placed.entrySet()) {
            Long expected = entry.getKey().pointsCount();
            int id = entry.getValue().id();
            for (ShardLayout.Replica replica : counted.shard(id).map(ShardLayout.Shard::replicas).orElse(List.of())) {
                if (expected != null && replica.pointsCount() != null && !expected.equals(replica.pointsCount())) {
                    wrong.add("shard " + id + " has " + replica.pointsCount() + " points on peer " + replica.peer() + ", the set "
                            + expected);
                }
            }
        }
        long total = vectors.countPoints(target);
        if (total != part.pointsCount()) {
            wrong.add("the collection has " + total + " points, the set " + part.pointsCount());
        }
        if (!wrong.isEmpty()) {
            throw RagbackException.external("the restored collection " + target + " does not hold the set's points: "
                    + String.join("; ", wrong), "look at the shards: ragback qdrant shards --collection=" + target, null);
        }
    }

    private static String describe(ShardLayout layout) {
        List<String> why = new ArrayList<>(layout.notActive());
        if (layout.transfers() > 0) {
            why.add(layout.transfers() + " shard transfers still running");
        }
        if (!layout.unreachable().isEmpty()) {
            why.add("no answer from peers " + layout.unreachable());
        }
        if (layout.shards().size() < layout.shardCount()) {
            why.add("only " + layout.shards().size() + " of " + layout.shardCount() + " shards seen");
        }
        return String.join("; ", why);
    }

    /** Polls the placement until every replica is Active and no transfer runs, within qdrant.replicas_timeout. */
    private ShardLayout awaitSettled(String target, String when) {
        long deadline = System.nanoTime() + replicasTimeout.toNanos();
        while (true) {
            ShardLayout layout = nodes.layout(target);
            if (layout.settled()) {
                return layout;
            }
            if (System.nanoTime() > deadline) {
                throw RagbackException.external("the replicas of " + target + " are not all Active " + when + " after "
                        + Durations.format(replicasTimeout) + " (qdrant.replicas_timeout): "
                        + describe(layout),
                        "look at the peers' logs (ragback qdrant shards), or raise qdrant.replicas_timeout", null);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while waiting for the replicas of " + target);
            }
        }
    }
}
