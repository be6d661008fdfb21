package dev.ragback.app.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.files.HashingOutput;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.port.VectorPoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * A cluster in memory over a {@link FakeVectorStore}: point {@code id} lives in shard {@code id % shards}; shard
 * {@code s}'s replicas are on peers {@code s % peers} and {@code (s + 1) % peers}.
 */
public final class FakeClusterNodes implements ClusterNodes {
    private final FakeVectorStore store;
    private final int peers;
    public final Map<String, Integer> shardCounts = new LinkedHashMap<>();
    public final Set<Long> down = Collections.synchronizedSet(new LinkedHashSet<>());
    /** Replicas of (collection/shard) that stay in this state instead of Active. */
    public final Map<String, String> stuck = new LinkedHashMap<>();
    public final Set<String> failingUploads = Collections.synchronizedSet(new LinkedHashSet<>());
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public final Set<String> keptUploads = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Map<String, List<VectorPoint>> shardSnapshots = Collections.synchronizedMap(new LinkedHashMap<>());

    @Override
    public java.net.URI entryPoint() {
        return java.net.URI.create("http://fake-peer-0:6333");
    }

    public FakeClusterNodes(FakeVectorStore store, int peers) {
        this.store = store;
        this.peers = peers;
    }

    public FakeClusterNodes withShards(String collection, int shards) {
        shardCounts.put(collection, shards);
        return this;
    }

    @Override
    public List<ShardLayout.Peer> peers() {
        List<ShardLayout.Peer> all = new ArrayList<>();
        for (long p = 1; p <= peers; p++) {
            all.add(new ShardLayout.Peer(p, "http://peer-" + p + ":6335", down.contains(p) ? null : "http://node-" + p + ":6333",
                    down.contains(p) ? "down" : "up"));
        }
        return all;
    }

    @Override
    public ShardLayout layout(String collection) {
        int shards = shardCounts.getOrDefault(collection, 0);
        List<ShardLayout.Shard> list = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            List<ShardLayout.Replica> replicas = new ArrayList<>();
            for (long peer : List.of(1L + s % peers, 1L + (s + 1) % peers)) {
                String state = stuck.getOrDefault(collection + "/" + s + "/" + peer, ShardLayout.ACTIVE);
                replicas.add(new ShardLayout.Replica(peer, state, down.contains(peer) ? null : shardPoints(collection, s).size() + reportedSkew));
            }
            list.add(new ShardLayout.Shard(s, null, replicas));
        }
        return new ShardLayout(shards, list, 0, List.copyOf(down));
    }

    private List<VectorPoint> shardPoints(String collection, int shard) {
        int shards = shardCounts.get(collection);
        return store.points.getOrDefault(collection, List.of()).stream()
                .filter(p -> ((Number) p.id()).longValue() % shards == shard).toList();
    }

    /** Added to the points layout() reports for each shard: Qdrant's filterless count while segments are optimized. */
    public volatile long reportedSkew;
    /** countShard answers empty, as Qdrant before 1.11.1 does. */
    public volatile boolean noShardCount;
    /** "collection/shard/peer" to points that replica holds more than the others: a replica that diverged. */
    public final Map<String, Long> replicaDrift = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public java.util.OptionalLong countShard(long peer, String collection, int shardId) {
        calls.add("count " + collection + "/" + shardId + "@" + peer);
        if (noShardCount) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(shardPoints(collection, shardId).size()
                + replicaDrift.getOrDefault(collection + "/" + shardId + "/" + peer, 0L));
    }

    @Override
    public JsonNode payloadSchema(String collection) {
        try {
            return new ObjectMapper().readTree("{\"doc_id\": {\"data_type\": \"keyword\", \"points\": 3}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public FileDigest downloadShard(long peer, String collection, int shardId, FileTarget target, String relativePath,
                                    LongConsumer progress) {
        reachable(peer);
        calls.add("download " + collection + "/" + shardId + " from " + peer);
        List<VectorPoint> content = shardPoints(collection, shardId);
        byte[] bytes = ("shard " + shardId + " of " + collection + ": " + content.size() + " points").getBytes(StandardCharsets.UTF_8);
        shardSnapshots.put(FakeVectorStore.sha256(bytes), content);
        try (HashingOutput out = target.open(progress)) {
            out.write(bytes);
            return out.finish(relativePath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void createCollection(String collection, JsonNode config) {
        calls.add("createCollection " + collection);
        shardCounts.put(collection, config.path("params").path("shard_number").asInt(1));
        store.collections.put(collection, new CollectionInfo(collection, "green", 0L,
                List.of(new CollectionInfo.VectorParams("", 4, "Cosine")), config));
        store.points.put(collection, Collections.synchronizedList(new ArrayList<>()));
    }

    @Override
    public void createShardKey(String collection, Object key, int shardsNumber, int replicationFactor) {
        calls.add("createShardKey " + collection + " " + key);
    }

    @Override
    public void createPayloadIndex(String collection, String field, JsonNode schema) {
        calls.add("createPayloadIndex " + collection + " " + field);
    }

    @Override
    public void uploadShard(long peer, String collection, int shardId, Path file, String sha256, String uploadName) {
        reachable(peer);
        calls.add("upload " + collection + "/" + shardId + " to " + peer);
        keptUploads.add(collection + "/" + shardId + "/" + peer + "/" + uploadName);
        if (failingUploads.contains(collection + "/" + shardId)) {
            throw RagbackException.external("Qdrant at http://node-" + peer + ":6333 answered 500 for the upload of shard " + shardId,
                    null, null);
        }
        List<VectorPoint> content = shardSnapshots.get(sha256);
        if (content == null) {
            throw RagbackException.external("Qdrant answered 400: Checksum mismatch", null, null);
        }
        // Qdrant's shard recovery replaces the whole local shard (ShardReplicaSet::restore_local_replica_from)
        int shards = shardCounts.getOrDefault(collection, 0);
        List<VectorPoint> points = store.points.get(collection);
        synchronized (points) {
            points.removeIf(p -> shards > 0 && ((Number) p.id()).longValue() % shards == shardId);
            points.addAll(content);
        }
        if (lostAnswers.remove(collection + "/" + shardId)) {
            throw new dev.ragback.app.port.UploadInDoubt("Qdrant at http://node-" + peer + ":6333: connection reset after"
                    + " the whole file went out", null);
        }
    }

    /** "collection/shard": the next upload of that shard is applied, then its answer is lost (once). */
    public final Set<String> lostAnswers = Collections.synchronizedSet(new LinkedHashSet<>());

    @Override
    public List<String> deleteShardSnapshots(List<Long> peers, String collection, int shardId, String name) {
        calls.add("deleteShardSnapshots " + collection + "/" + shardId);
        keptUploads.removeIf(k -> k.startsWith(collection + "/" + shardId + "/") && k.endsWith("/" + name));
        return List.of();
    }

    private void reachable(long peer) {
        if (down.contains(peer)) {
            throw RagbackException.external("Qdrant at http://node-" + peer + ":6333: connection refused", null, null);
        }
    }
}
