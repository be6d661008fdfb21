package dev.ragback.app.port;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * A Qdrant cluster reached through the REST URL of every peer ({@code qdrant.nodes}): its peers, a
 * collection's shard placement and shard-level snapshots. Every call that names a peer goes to that
 * peer's own URL, so a create, download and delete never land on different nodes. Failures are
 * {@link dev.ragback.app.RagbackException}s; a peer no configured URL answers for is a CONFIG one.
 */
public interface ClusterNodes {

    /** Every peer the cluster reports, with the configured URL that answers for it. */
    List<ShardLayout.Peer> peers();

    /** Where collection-wide calls go (counts, probes, aliases): the first URL in {@code qdrant.nodes} that answers. */
    java.net.URI entryPoint();

    /** Where a collection's shards and replicas are, merged from what every reachable node reports. */
    ShardLayout layout(String collection);

    /**
     * The exact points of {@code peer}'s own replica of one shard ({@code POST /collections/{c}/shards/{id}/points/count}
     * with {@code exact: true}, which Qdrant serves from 1.11.1 though openapi.json leaves it out), or empty when the
     * server has no such call.
     */
    OptionalLong countShard(long peer, String collection, int shardId);

    /** The collection's payload indexes as Qdrant reports them ({@code payload_schema}), an object. */
    JsonNode payloadSchema(String collection);

    /**
     * Streams a snapshot of one shard from {@code peer} into {@code target}, hashing while writing
     * ({@code GET /collections/{c}/shards/{id}/snapshot}; on servers without it, create, download and delete on that peer).
     */
    FileDigest downloadShard(long peer, String collection, int shardId, FileTarget target, String relativePath,
                             LongConsumer progress);

    /**
     * Creates {@code collection} from a recorded collection {@code config} (params with shard_number, sharding
     * method, replication and write consistency factors, hnsw, optimizer, wal and quantization configs).
     */
    void createCollection(String collection, JsonNode config);

    /** Creates the shards of a custom shard {@code key} ({@code PUT /collections/{c}/shards}). */
    void createShardKey(String collection, Object key, int shardsNumber, int replicationFactor);

    /** Creates one payload index from its recorded {@code payload_schema} entry. */
    void createPayloadIndex(String collection, String field, JsonNode schema);

    /**
     * Uploads one shard's snapshot to {@code peer}, which holds a replica of it, with {@code priority=snapshot}
     * and the checksum; the server keeps the file as {@code uploadName}, which this deletes afterwards (best effort).
     */
    void uploadShard(long peer, String collection, int shardId, Path file, String sha256, String uploadName);

    /** Deletes a shard snapshot file named {@code name} from each of {@code peers} (none there is fine); what could not be deleted, or empty. */
    List<String> deleteShardSnapshots(List<Long> peers, String collection, int shardId, String name);
}
