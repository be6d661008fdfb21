package dev.ragback.testing.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Snapshot files on disk, laid out as Qdrant lays them: {@code <snapshots>/<collection>/<name>}
 * with the sha256 in a {@code <name>.checksum} file beside it. Everything lives in one temp
 * directory that {@link #close()} deletes.
 */
final class SnapshotStore implements AutoCloseable {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");
    private static final DateTimeFormatter CREATION_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final String SUFFIX = ".snapshot";
    private static final String CHECKSUM_SUFFIX = ".checksum";

    /** What Qdrant lists for a snapshot. */
    record Description(String name, String creationTime, long size, String checksum) {
    }

    private final Path root;
    private final Path snapshots;
    private final Path temp;
    // Qdrant puts its peer id in the name; one per snapshot here, so two in the same second never collide
    private final AtomicLong nameNumbers = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L,
            9_000_000_000_000_000L));
    private volatile long ballast;

    SnapshotStore() {
        try {
            root = Files.createTempDirectory("qdrant-double-");
            snapshots = Files.createDirectory(root.resolve("snapshots")).toRealPath();
            temp = Files.createDirectory(root.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Qdrant double's snapshot directory", e);
        }
    }

    Path snapshotsDir() {
        return snapshots;
    }

    void ballast(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("ballast must not be negative: " + bytes);
        }
        ballast = bytes;
    }

    /** A new empty file for an upload or a download in flight; the caller deletes it. */
    Path tempFile() throws IOException {
        return Files.createTempFile(temp, "transfer-", ".part");
    }

    /** Writes a snapshot of {@code collection} holding {@code shards} (id to points); with {@code wrongChecksum} its recorded checksum is off by one digit. */
    Description create(StoredCollection collection, java.util.Map<Integer, List<StoredCollection.Entry>> shards,
                       boolean wrongChecksum) throws IOException {
        Path dir = Files.createDirectories(dirOf(collection.name()));
        String name = collection.name() + "-" + nameNumbers.getAndIncrement() + "-"
                + ZonedDateTime.now(ZoneOffset.UTC).format(NAME_TIME) + SUFFIX;
        Path part = dir.resolve(name + ".tmp");
        try {
            String checksum = SnapshotFormat.write(collection, part, ballast, shards);
            if (wrongChecksum) {
                checksum = (checksum.charAt(0) == '0' ? "1" : "0") + checksum.substring(1);
            }
            // like Qdrant: the checksum is in place before the snapshot becomes visible
            writeAtomically(dir.resolve(name + CHECKSUM_SUFFIX), checksum);
            Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        return describe(dir.resolve(name));
    }

    /** Writes a shard snapshot as Qdrant names it: {@code <collection>/shards/<id>/<collection>-shard-<id>-<UTC second>.snapshot}. */
    Description createShard(String collection, int shard, List<StoredCollection.Entry> entries) throws IOException {
        Path dir = Files.createDirectories(shardDir(collection, shard));
        String name = collection + "-shard-" + shard + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(NAME_TIME) + SUFFIX;
        Path part = dir.resolve(name + ".tmp");
        try {
            writeAtomically(dir.resolve(name + CHECKSUM_SUFFIX), SnapshotFormat.writeShard(entries, part));
            // two in the same second: the later one replaces the earlier, as Qdrant's store_file does
            Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return describe(dir.resolve(name));
    }

    /** A shard snapshot written to a temp file for streaming; the caller deletes it. */
    Path streamShard(List<StoredCollection.Entry> entries) throws IOException {
        Path file = tempFile();
        SnapshotFormat.writeShard(entries, file);
        return file;
    }

    Path shardDir(String collection, int shard) {
        return dirOf(collection).resolve("shards").resolve(Integer.toString(shard));
    }

    /**
     * Keeps an uploaded file as Qdrant does: at {@code <snapshots>/<name in the URL>/<file name of the
     * multipart part>} (its last path component; a random one when it has none), replacing a file of
     * that name, with no checksum file beside it. Returns where it now is.
     */
    Path keepUpload(String urlName, String partFileName, Path spooled) throws IOException {
        Path dir = Files.createDirectories(dirOf(urlName));
        String name = null;
        if (partFileName != null) {
            try {
                Path last = Path.of(partFileName).getFileName();
                name = last == null || last.toString().equals("..") || last.toString().equals(".") ? null : last.toString();
            } catch (java.nio.file.InvalidPathException e) {
                name = null;
            }
        }
        Path kept = dir.resolve(name == null ? java.util.UUID.randomUUID().toString() : name);
        Files.deleteIfExists(kept.resolveSibling(kept.getFileName() + CHECKSUM_SUFFIX));
        Files.move(spooled, kept, StandardCopyOption.REPLACE_EXISTING);
        return kept;
    }

    /** Every file under the snapshots directory, relative to it (for tests that want none left). */
    List<String> allFiles() throws IOException {
        try (Stream<Path> all = Files.walk(snapshots)) {
            return all.filter(Files::isRegularFile).map(p -> snapshots.relativize(p).toString()).sorted().toList();
        }
    }

    /** The snapshots of a collection, oldest first. */
    List<Description> list(String collection) throws IOException {
        return list(dirOf(collection));
    }

    List<Description> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Description> list = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                list.add(describe(file));
            }
        }
        list.sort(Comparator.comparing(Description::creationTime).thenComparing(Description::name));
        return list;
    }

    /** The file of a snapshot, if it exists (any file name, as in Qdrant); names that would leave the collection's directory find nothing. */
    Optional<Path> file(String collection, String name) {
        return file(dirOf(collection), name);
    }

    Optional<Path> file(Path dir, String name) {
        Path file;
        try {
            file = dir.resolve(name).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
        boolean plain = dir.equals(file.getParent()) && Files.isRegularFile(file);
        return plain ? Optional.of(file) : Optional.empty();
    }

    boolean delete(String collection, String name) throws IOException {
        return delete(dirOf(collection), name);
    }

    boolean delete(Path dir, String name) throws IOException {
        Optional<Path> file = file(dir, name);
        if (file.isEmpty()) {
            return false;
        }
        Files.deleteIfExists(file.get().resolveSibling(name + CHECKSUM_SUFFIX));
        Files.delete(file.get());
        return true;
    }

    /** The sha256 of a file (hex), read as a stream. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = SnapshotFormat.sha256();
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the Qdrant double's snapshot directory " + root, e);
        }
    }

    private Path dirOf(String collection) {
        Path dir = snapshots.resolve(collection).normalize();
        if (!snapshots.equals(dir.getParent())) {
            throw QdrantError.wrongInput("collection name `" + collection + "` cannot name a snapshot directory");
        }
        return dir;
    }

    private Description describe(Path file) throws IOException {
        Path checksumFile = file.resolveSibling(file.getFileName() + CHECKSUM_SUFFIX);
        String checksum = Files.isRegularFile(checksumFile) ? Files.readString(checksumFile).strip() : null;
        String created = ZonedDateTime.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC)
                .format(CREATION_TIME);
        return new Description(file.getFileName().toString(), created, Files.size(file), checksum);
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(part, text, StandardCharsets.US_ASCII);
        try (var channel = java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
