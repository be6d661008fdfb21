package dev.ragback.testing.qdrant;

/**
 * One snapshot upload or recover request as the client sent it, recorded before it is checked.
 *
 * @param route      {@code upload} or {@code recover}
 * @param collection the collection name in the path
 * @param location   the recover request's {@code location}; {@code null} for uploads
 * @param priority   the {@code priority} sent, or {@code null}
 * @param checksum   the {@code checksum} sent, or {@code null}
 */
public record SnapshotRecovery(String route, String collection, String location, String priority, String checksum) {
}
