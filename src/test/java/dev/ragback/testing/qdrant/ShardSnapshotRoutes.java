package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shard snapshots on one node of a cluster, as Qdrant v1.19's snapshot_api.rs and ShardHolder serve
 * them: only for a shard this node holds (400 "Shard N is not a local or queue proxy shard", or "…
 * is not a local shard" for the list; 404 "shard N not found" for an id the collection lacks).
 */
final class ShardSnapshotRoutes {
    private final ClusterRoutes cluster;
    private final SnapshotStore snapshots;
    private final List<SnapshotRecovery> recoveries;
    private final Faults faults;

    ShardSnapshotRoutes(ClusterRoutes cluster, SnapshotStore snapshots, Faults faults, List<SnapshotRecovery> recoveries) {
        this.cluster = cluster;
        this.snapshots = snapshots;
        this.faults = faults;
        this.recoveries = recoveries;
    }

    /** {@code …/shards/{id}/snapshots[/{name}|/upload]} and {@code …/shards/{id}/snapshot}. */
    Replies.Reply route(String collection, String shardSegment, List<String> rest, Request request) throws IOException {
        int shard;
        try {
            shard = Integer.parseUnsignedInt(shardSegment);
        } catch (NumberFormatException e) {
            throw new QdrantError(400, "Validation error in path parameters: [shard: invalid digit found in string]");
        }
        String method = request.method();
        if (rest.equals(List.of("snapshot")) && method.equals("GET")) {
            return Replies.stream(snapshots.streamShard(local(collection, shard, false)));
        }
        if (rest.equals(List.of("points", "count")) && method.equals("POST")) {
            return countLocal(collection, shard);
        }
        if (rest.isEmpty() || !rest.get(0).equals("snapshots") || rest.size() > 2) {
            return null;
        }
        String name = rest.size() == 2 ? rest.get(1) : null;
        if (name == null && method.equals("GET")) {
            local(collection, shard, true);
            ArrayNode list = Replies.JSON.createArrayNode();
            snapshots.list(dir(collection, shard)).forEach(d -> list.add(Replies.snapshotDescription(d)));
            return Replies.ok(list);
        }
        if (name == null && method.equals("POST")) {
            List<StoredCollection.Entry> entries = local(collection, shard, false);
            SnapshotStore.Description created = snapshots.createShard(realName(collection), shard, entries);
            return request.waits() ? Replies.ok(Replies.snapshotDescription(created)) : Replies.accepted();
        }
        if ("upload".equals(name) && method.equals("POST")) {
            return upload(collection, shard, request);
        }
        if (name != null && method.equals("GET")) {
            local(collection, shard, false);
            return snapshots.file(dir(collection, shard), name).map(Replies::file)
                    .orElseGet(() -> Replies.text(404, "Not found: Snapshot " + name + " not found"));
        }
        if (name != null && method.equals("DELETE")) {
            local(collection, shard, false);
            if (!snapshots.delete(dir(collection, shard), name)) {
                throw new QdrantError(404, "Not found: Snapshot " + name + " not found");
            }
            return request.waits() ? Replies.ok(BooleanNode.TRUE) : Replies.accepted();
        }
        return null;
    }

    /**
     * {@code POST …/shards/{id}/snapshots/upload}: spools the part {@code snapshot}, checks the checksum
     * and that the shard exists, replaces this node's copy of the shard and settles the other replicas
     * by {@code priority} ({@link ClusterState#recovered}). Unlike a collection upload the spooled file
     * is a temp file Qdrant deletes after unpacking, so nothing stays behind. The node's upload faults apply:
     * a 500 after the body, or a lost answer before or after the recovery (Qdrant spawns the recovery, so
     * it may finish after the client is gone: {@code upload_shard_snapshot} in src/actix/api/snapshot_api.rs).
     */
    private Replies.Reply upload(String collection, int shard, Request request) throws IOException {
        String priority = request.param("priority");
        String checksum = request.param("checksum");
        recoveries.add(new SnapshotRecovery("upload", collection + "/shards/" + shard, null, priority, checksum));
        SnapshotRoutes.checkPriority(priority, "Query deserialize error: ");
        SnapshotRoutes.checkChecksumFormat(checksum, "query parameters");
        Path spooled = snapshots.tempFile();
        Faults.Upload fault;
        try {
            MultipartUpload.Part part = MultipartUpload.copyPart(request.stream(), request.contentType(), "snapshot", spooled);
            fault = faults.takeUpload();
            if (fault == Faults.Upload.FAIL) {
                return Replies.error(500, "Service internal error: injected failure after the upload was read");
            }
            if (fault == Faults.Upload.CUT) {
                return Replies.CUT; // the client hears nothing, and nothing was recovered
            }
            if (checksum != null && !checksum.equalsIgnoreCase(part.sha256())) {
                throw new QdrantError(400, "Checksum mismatch: expected " + part.sha256() + ", actual " + checksum);
            }
            ShardLayout layout = cluster.layout(collection);
            if (layout.shard(shard) == null) {
                throw shardNotFound(shard);
            }
            if (cluster.state().takeFailedUpload(layout.collection.name(), shard)) {
                return Replies.error(500, "Service internal error: failed to restore shard snapshot for shard "
                        + layout.collection.name() + ":" + shard + ": injected failure");
            }
            StoredCollection recovered = SnapshotFormat.readShard(spooled, layout.collection);
            replaceShard(layout, shard, recovered, priority);
        } finally {
            Files.deleteIfExists(spooled);
        }
        if (fault == Faults.Upload.CUT_AFTER_RECOVERY) {
            return Replies.CUT; // the recovery went on after the client lost the connection
        }
        return request.waits() ? Replies.ok(BooleanNode.TRUE) : Replies.accepted();
    }

    /** Puts {@code recovered}'s points in place of the shard's, on this node, and settles its replicas. */
    void replaceShard(ShardLayout layout, int shard, StoredCollection recovered, String priority) {
        Predicate<PointId> inShard = layout.inShard(shard);
        recovered.entries().forEach(e -> layout.assign(e.key(), shard));
        layout.collection.replacePoints(inShard, recovered, id -> true);
        cluster.state().recovered(layout, shard, cluster.peerId(), priority);
    }

    /** The shards this node holds, with their points: what a collection snapshot taken here contains. */
    java.util.Map<Integer, List<StoredCollection.Entry>> localShards(StoredCollection collection) {
        ShardLayout layout = cluster.state().layout(collection);
        java.util.Map<Integer, List<StoredCollection.Entry>> local = new java.util.TreeMap<>();
        for (ShardLayout.Shard shard : layout.shards()) {
            if (shard.replicas.containsKey(cluster.peerId())) {
                local.put(shard.id, new java.util.ArrayList<>());
            }
        }
        for (StoredCollection.Entry entry : collection.entries()) {
            List<StoredCollection.Entry> of = local.get(layout.shardOf(entry.key()));
            if (of != null) {
                of.add(entry);
            }
        }
        return local;
    }

    /**
     * A collection snapshot recovered in place on a cluster node (SPEC §13): only the shards both in
     * the archive and held here are rolled back, the others keep their points; each is settled as a
     * shard upload is.
     */
    StoredCollection recoverLocalShards(StoredCollection existing, SnapshotFormat.Shards read, String priority) {
        CollectionStore.checkCompatible(existing, read.collection());
        ShardLayout layout = cluster.state().layout(existing);
        for (int shard : read.shards()) {
            ShardLayout.Shard found = layout.shard(shard);
            if (found != null && found.replicas.containsKey(cluster.peerId())) {
                Predicate<PointId> fromSnapshot = id -> Integer.valueOf(shard).equals(read.shardOf().get(id));
                read.shardOf().forEach((id, in) -> {
                    if (in == shard) {
                        layout.assign(id, shard);
                    }
                });
                existing.replacePoints(layout.inShard(shard), read.collection(), fromSnapshot);
                cluster.state().recovered(layout, shard, cluster.peerId(), priority);
            }
        }
        return existing;
    }

    /** The points of a shard this node holds; the errors Qdrant gives otherwise. */
    private List<StoredCollection.Entry> local(String collection, int shard, boolean listing) {
        ShardLayout layout = cluster.layout(collection);
        ShardLayout.Shard found = layout.shard(shard);
        if (found == null) {
            throw shardNotFound(shard);
        }
        if (!found.replicas.containsKey(cluster.peerId())) {
            throw QdrantError.wrongInput("Shard " + shard + (listing ? " is not a local shard"
                    : " is not a local or queue proxy shard"));
        }
        Predicate<PointId> in = layout.inShard(shard);
        return layout.collection.entries().stream().filter(e -> in.test(e.key())).toList();
    }

    /**
     * {@code POST …/shards/{id}/points/count}, which Qdrant serves (src/actix/api/local_shard_api.rs, since v1.11.1)
     * but leaves out of openapi.json: the points of this node's own replica of the shard, with
     * {@code ShardSelectorInternal::ShardId}, so {@code local_only}; a node without a replica answers 500.
     */
    private Replies.Reply countLocal(String collection, int shard) {
        ShardLayout layout = cluster.layout(collection);
        ShardLayout.Shard found = layout.shard(shard);
        if (found == null) {
            throw shardNotFound(shard);
        }
        if (!found.replicas.containsKey(cluster.peerId())) {
            throw new QdrantError(500, "Service internal error: Local shard " + shard + " not found");
        }
        return Replies.ok(Replies.JSON.createObjectNode().put("count", layout.pointsIn(shard)));
    }

    private String realName(String collection) {
        return cluster.layout(collection).collection.name();
    }

    private Path dir(String collection, int shard) {
        return snapshots.shardDir(realName(collection), shard);
    }

    private static QdrantError shardNotFound(int shard) {
        return new QdrantError(404, "Not found: shard " + shard + " not found");
    }
}
