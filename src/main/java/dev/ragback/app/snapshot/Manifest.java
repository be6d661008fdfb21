package dev.ragback.app.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.files.FileDigest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot set's {@code manifest.json} (SPEC section 4). Field names are stable; readers
 * ignore fields they do not know.
 */
public record Manifest(String id, String createdAt, String label, String status, boolean golden, String goldenAt,
                       String ragbackVersion, String createdBy, String binaryVersion, String schemaVersion,
                       QdrantPart qdrant, PostgresPart postgres, List<Probe> probes, List<EscrowedMigration> migrations,
                       @JsonInclude(JsonInclude.Include.NON_NULL) EvalBaseline evalBaseline) {

    public static final String COMPLETE = "complete";
    /** {@code postgres.tables} records the tables whose names start with this, so {@code verify} can tell one that went missing. */
    public static final String RAG_TABLE_PREFIX = "rag_";

    /**
     * The vector store half. {@code cluster}: whether Qdrant ran in cluster mode when the set was made
     * ({@code null} in sets made before it was recorded). {@code config}: the collection's whole config
     * as Qdrant reported it (params with the whole VectorParams and shard_number, hnsw_config,
     * optimizer_config...); {@code null} in older sets, whose archive's {@code config.json} holds it.
     * {@code sharding}: a set made on a cluster, one file per shard; {@code null} for a single node, whose one
     * collection snapshot is {@code file}.
     */
    public record QdrantPart(String url, String serverVersion, String collection, List<AliasEntry> aliases,
                             String snapshotName, String file, long size, String sha256, String serverChecksum,
                             long pointsCount, String vectorName, Vectors vectors, Boolean cluster, JsonNode config,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Sharding sharding) {
    }

    /**
     * What a restore on a cluster needs to rebuild the collection, and its shards' files.
     *
     * @param shardNumber            shards (per shard key with custom sharding)
     * @param shardingMethod         {@code auto} or {@code custom}
     * @param shardKeys              the custom shard keys (String or Long), empty with auto sharding
     * @param replicationFactor      replicas per shard
     * @param writeConsistencyFactor replicas a write must reach
     * @param payloadIndexes         Qdrant's {@code payload_schema}: field to its index
     * @param shards                 one entry per shard, by id
     */
    public record Sharding(int shardNumber, String shardingMethod, List<Object> shardKeys, int replicationFactor,
                           int writeConsistencyFactor, JsonNode payloadIndexes, List<ShardFile> shards) {
    }

    /**
     * One shard's snapshot in the set.
     *
     * @param shardId     Qdrant's shard id
     * @param shardKey    its custom shard key, or {@code null}
     * @param file        path in the set
     * @param sourcePeer  the peer it was taken on
     * @param pointsCount points that peer reported for the shard
     */
    public record ShardFile(int shardId, Object shardKey, String file, long size, String sha256, long sourcePeer,
                            Long pointsCount) {
    }

    /** True for a set made on a cluster with one file per shard. */
    public boolean sharded() {
        return qdrant != null && qdrant.sharding() != null;
    }

    public record AliasEntry(String aliasName, String collectionName) {
    }

    public record Vectors(int size, String distance) {
    }

    /**
     * The database half. {@code files} lists every file of a directory-format dump; for the
     * custom format it holds the one archive, which {@code file}, {@code size} and {@code sha256} also describe.
     * {@code tables} names the database's {@code rag_*} tables, sorted; {@code null} in manifests
     * written before it was recorded.
     */
    public record PostgresPart(String database, String serverVersion, String pgDumpVersion, String format,
                               String file, long size, String sha256, List<String> excludedTables,
                               List<String> tables, List<ModelCountEntry> counts, List<FileDigest> files) {
    }

    public record ModelCountEntry(String modelId, long chunks, long docs) {
    }

    /** A golden top-k query: the point's own vector, exact search, k results. */
    public record Probe(Object pointId, int k, List<ProbeHit> results, double meanScore) {
    }

    public record ProbeHit(Object id, double score) {
    }

    public record EscrowedMigration(String version, String upSha256, String downSha256, String downSql) {
    }

    /**
     * The quick evaluation's mean scores when {@code eval-quick --record-baseline} last passed on this
     * set; absent from manifests of sets it never ran on.
     *
     * @param recordedAt ISO-8601 UTC
     * @param metrics    metric name to mean score
     */
    public record EvalBaseline(String recordedAt, Map<String, Double> metrics) {
    }

    /** The recorded baseline's finite scores by metric; empty when none was recorded. */
    public Map<String, Double> baselineScores() {
        Map<String, Double> scores = new LinkedHashMap<>();
        if (evalBaseline != null && evalBaseline.metrics() != null) {
            evalBaseline.metrics().forEach((metric, score) -> {
                if (score != null && Double.isFinite(score)) {
                    scores.put(metric, score);
                }
            });
        }
        return scores;
    }

    public boolean complete() {
        return COMPLETE.equals(status);
    }

    /** Every data file of the set, relative to the set directory. */
    public List<FileDigest> dataFiles() {
        return dataFiles(true, true);
    }

    /** The data files of the stores asked for (a restore of one store needs only that store's files intact). */
    public List<FileDigest> dataFiles(boolean ofQdrant, boolean ofPostgres) {
        List<FileDigest> files = new ArrayList<>();
        if (ofQdrant && qdrant != null && qdrant.file() != null) {
            files.add(new FileDigest(qdrant.file(), qdrant.size(), qdrant.sha256()));
        }
        if (ofQdrant && sharded()) {
            qdrant.sharding().shards().forEach(s -> files.add(new FileDigest(s.file(), s.size(), s.sha256())));
        }
        if (ofPostgres && postgres != null) {
            if (postgres.files() != null && !postgres.files().isEmpty()) {
                files.addAll(postgres.files());
            } else if (postgres.file() != null) {
                files.add(new FileDigest(postgres.file(), postgres.size(), postgres.sha256()));
            }
        }
        return files;
    }

    public long qdrantBytes() {
        return qdrant == null ? 0 : qdrant.size();
    }

    public long postgresBytes() {
        return postgres == null ? 0 : postgres.size();
    }
}
