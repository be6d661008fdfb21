package dev.ragback.app.port;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What the vector store says about one collection.
 *
 * @param name         collection name
 * @param status       green, yellow, grey or red
 * @param pointsCount  approximate points count as reported, or {@code null} when not reported
 * @param vectors      vector parameters; one entry with an empty name for an unnamed vector
 * @param config       the whole {@code config} the server reports ({@code params} with the whole VectorParams
 *                     and {@code shard_number}, {@code hnsw_config}, {@code optimizer_config}...), or {@code null}
 */
public record CollectionInfo(String name, String status, Long pointsCount, List<VectorParams> vectors, JsonNode config) {

    public CollectionInfo(String name, String status, Long pointsCount, List<VectorParams> vectors) {
        this(name, status, pointsCount, vectors, null);
    }

    /**
     * One vector of a collection.
     *
     * @param name     vector name, empty for the unnamed (default) vector
     * @param size     dimensions
     * @param distance Cosine, Dot, Euclid or Manhattan
     */
    public record VectorParams(String name, int size, String distance) {
    }

    public boolean green() {
        return "green".equals(status);
    }
}
