package dev.ragback.app.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.Background;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.port.VectorStore;

import dev.ragback.app.vectors.ReplicaFailover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The vector store half of a set on a Qdrant cluster: one snapshot per shard, each streamed from a
 * peer holding an Active replica of it (another Active replica when that peer fails), shards in parallel.
 */
final class ClusterCapture {
    private final VectorStore store;
    private final ClusterNodes nodes;
    private final SnapshotSettings settings;
    private final int parallelShards;

    ClusterCapture(VectorStore store, ClusterNodes nodes, SnapshotSettings settings, int parallelShards) {
        this.store = store;
        this.nodes = nodes;
        this.settings = settings;
        this.parallelShards = parallelShards;
    }

    QdrantCapture.Captured capture(SetSink sink, Progress progress) {
        QdrantCapture.Subject subject = QdrantCapture.subject(store, settings, progress);
        String collection = subject.collection();
        CollectionInfo info = subject.info();
        CompletableFuture<List<Manifest.Probe>> recording = Background.start("probes",
                () -> Probes.record(store, collection, subject.vectorName(), settings.probes(), settings.k()));
        ShardLayout layout = nodes.layout(collection);
        if (layout.shards().size() < layout.shardCount()) {
            throw RagbackException.external("only " + layout.shards().size() + " of the " + layout.shardCount() + " shards of "
                    + collection + " are on a node that answers (no answer from peers " + layout.unreachable() + "); the set"
                    + " would miss the others", "start the nodes that hold them: ragback qdrant shards", null);
        }
        JsonNode payloadIndexes = nodes.payloadSchema(collection);
        progress.stage(QdrantCapture.PART, layout.shards().size() + " shard snapshots of " + collection);
        List<Manifest.ShardFile> files = Background.map("shard-snapshot", layout.shards(), parallelShards,
                shard -> take(collection, shard, sink, progress));
        List<Manifest.Probe> probes = Background.join(recording);
        JsonNode params = info.config() == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : info.config().path("params");
        List<Object> keys = layout.shards().stream().map(ShardLayout.Shard::key).filter(java.util.Objects::nonNull)
                .distinct().toList();
        Manifest.Sharding sharding = new Manifest.Sharding(params.path("shard_number").asInt(layout.shardCount()),
                params.path("sharding_method").asText("auto"), keys, params.path("replication_factor").asInt(1),
                params.path("write_consistency_factor").asInt(1), payloadIndexes, files);
        long size = files.stream().mapToLong(Manifest.ShardFile::size).sum();
        Manifest.QdrantPart part = new Manifest.QdrantPart(settings.qdrantUrl(), subject.serverVersion(), collection,
                subject.aliases(), null, null, size, null, null, subject.points(), subject.vectorName(), subject.vectors(), true,
                info.config(), sharding);
        return new QdrantCapture.Captured(part, probes);
    }

    /** One shard from the first Active replica that delivers it. */
    private Manifest.ShardFile take(String collection, ShardLayout.Shard shard, SetSink sink, Progress progress) {
        String file = QdrantCapture.PART + "/shards/" + shard.id() + ".snapshot";
        List<ShardLayout.Replica> active = shard.replicas().stream().filter(ShardLayout.Replica::active)
                .sorted((a, b) -> Boolean.compare(b.pointsCount() != null, a.pointsCount() != null)).toList();
        if (active.isEmpty()) {
            throw RagbackException.external("shard " + shard.id() + " of " + collection + " has no Active replica on a reachable"
                    + " node (" + describe(shard) + "); the set would miss it", "start the node that holds it, or wait until a"
                    + " replica is Active: ragback qdrant shards", null);
        }
        try {
            return ReplicaFailover.first(active, "snapshot of shard " + shard.id(), replica -> {
                try {
                    OptionalLong exact = nodes.countShard(replica.peer(), collection, shard.id());
                    FileDigest digest = nodes.downloadShard(replica.peer(), collection, shard.id(), sink.file(file), file,
                            bytes -> progress.bytes(QdrantCapture.PART, bytes));
                    return new Manifest.ShardFile(shard.id(), shard.key(), file, digest.size(), digest.sha256(), replica.peer(),
                            exact.isPresent() ? Long.valueOf(exact.getAsLong())
                                    : replica.pointsCount() != null ? replica.pointsCount() : shard.points());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, last -> RagbackException.external("shard " + shard.id() + " of " + collection + ": no Active replica could deliver"
                    + " its snapshot (" + last.getMessage() + ")", "start the node that holds it: ragback qdrant shards", last));
        } catch (UncheckedIOException e) {
            throw RagbackException.external("cannot write " + file + ": " + e.getCause().getMessage(), null, e.getCause());
        }
    }

    static String describe(ShardLayout.Shard shard) {
        return shard.replicas().isEmpty() ? "no replica seen" : String.join(", ",
                shard.replicas().stream().map(r -> "peer " + r.peer() + ": " + r.state()).toList());
    }
}
