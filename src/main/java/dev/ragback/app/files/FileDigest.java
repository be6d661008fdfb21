package dev.ragback.app.files;

/**
 * One file of a snapshot set as written or re-read.
 *
 * @param path   path relative to the set directory, with {@code /} separators
 * @param size   bytes
 * @param sha256 lower-case hex sha256 of the content
 */
public record FileDigest(String path, long size, String sha256) {
}
