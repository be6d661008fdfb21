package dev.ragback.app.port;

import java.util.List;

/**
 * What the vector store says about one collection.
 *
 * @param name         collection name
 * @param status       green, yellow, grey or red
 * @param pointsCount  approximate points count as reported, or {@code null} when not reported
 * @param vectors      vector parameters; one entry with an empty name for an unnamed vector
 */
public record CollectionInfo(String name, String status, Long pointsCount, List<VectorParams> vectors) {

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
