package dev.ragback.app.port;

/**
 * A snapshot as the vector store describes it.
 *
 * @param name         server-side file name
 * @param creationTime as reported, or {@code null}
 * @param size         bytes
 * @param checksum     the server's sha256, or {@code null} when it gives none
 */
public record SnapshotInfo(String name, String creationTime, long size, String checksum) {
}
