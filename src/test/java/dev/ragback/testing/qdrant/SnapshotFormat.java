package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.UUID;

/**
 * The double's snapshot file: a plain tar laid out as Qdrant lays out a collection snapshot.
 * {@code 0/points.jsonl} stands for shard 0's segments (one JSON line per point: {@code id},
 * {@code version}, {@code vector} as sent, {@code payload}); {@code 0/ballast.bin} holds any
 * ballast bytes; then, as Qdrant appends them after the shards, {@code version.info} (what Qdrant
 * writes there: the version of its {@code collection} crate, {@value #COLLECTION_STORAGE_VERSION}
 * in v1.10 to v1.19, not the server's version), {@code config.json} (the collection's whole config:
 * params, hnsw_config, optimizer_config, wal_config, quantization_config) and
 * {@code payload_index.json}. Aliases are not in it, as in Qdrant. Written and read as streams.
 */
final class SnapshotFormat {
    static final String COLLECTION_STORAGE_VERSION = "0.4.2";
    static final String SHARD_POINTS = "points.jsonl";
    private static final Pattern SHARD_ENTRY = Pattern.compile("(\\d+)/points\\.jsonl");
    private static final int MAX_LINE = 64 << 20;
    private static final int CHUNK = 64 << 10;
    private static final int MAX_CONFIG = 1 << 20;

    private SnapshotFormat() {
    }

    /** Writes {@code collection} to the new file {@code target}, fsyncs it and returns its sha256 (hex). */
    static String write(StoredCollection collection, Path target, long ballast) throws IOException {
        return write(collection, target, ballast, Map.of(0, collection.entries()));
    }

    /**
     * Writes a collection snapshot holding {@code shards} (shard id to its points; a cluster node's
     * snapshot holds only its local shards), each as {@code <id>/points.jsonl}.
     */
    static String write(StoredCollection collection, Path target, long ballast,
                        Map<Integer, List<StoredCollection.Entry>> shards) throws IOException {
        return writeTar(target, tar -> {
            for (Map.Entry<Integer, List<StoredCollection.Entry>> shard : new TreeMap<>(shards).entrySet()) {
                pointsEntry(tar, target, shard.getKey() + "/" + SHARD_POINTS, shard.getValue());
            }
            if (ballast > 0) {
                tar.entry("0/ballast.bin", ballast, sink -> writeBallast(sink, ballast));
            }
            ObjectNode config = collection.configJson();
            config.put("uuid", UUID.nameUUIDFromBytes(collection.name().getBytes(StandardCharsets.UTF_8)).toString());
            tar.entry("version.info", COLLECTION_STORAGE_VERSION.getBytes(StandardCharsets.US_ASCII));
            tar.entry("config.json", Replies.JSON.writeValueAsBytes(config));
            ObjectNode index = Replies.JSON.createObjectNode();
            index.putObject("schema").setAll(collection.payloadSchema());
            tar.entry("payload_index.json", Replies.JSON.writeValueAsBytes(index));
        });
    }

    /**
     * Writes a shard snapshot: what Qdrant puts in one is the shard's own directory (segments, WAL,
     * {@code shard_config.json}); here {@code points.jsonl} and {@code shard_config.json}, no collection config.
     */
    static String writeShard(List<StoredCollection.Entry> entries, Path target) throws IOException {
        return writeTar(target, tar -> {
            pointsEntry(tar, target, SHARD_POINTS, entries);
            tar.entry("shard_config.json", "{\"type\":\"Local\"}".getBytes(StandardCharsets.US_ASCII));
        });
    }

    private interface TarBody {
        void write(TarFormat.Writer tar) throws IOException;
    }

    private static String writeTar(Path target, TarBody body) throws IOException {
        MessageDigest sha256 = sha256();
        try (FileOutputStream file = new FileOutputStream(target.toFile());
             OutputStream out = new BufferedOutputStream(new DigestOutputStream(file, sha256), CHUNK)) {
            TarFormat.Writer tar = new TarFormat.Writer(out);
            body.write(tar);
            tar.finish();
            out.flush();
            file.getFD().sync();
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static void pointsEntry(TarFormat.Writer tar, Path target, String name, List<StoredCollection.Entry> entries)
            throws IOException {
        Path points = target.resolveSibling(target.getFileName() + ".points");
        try {
            writePoints(entries, points);
            try (InputStream in = Files.newInputStream(points)) {
                tar.entry(name, Files.size(points), in);
            }
        } finally {
            Files.deleteIfExists(points);
        }
    }

    private static void writePoints(List<StoredCollection.Entry> entries, Path target) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), CHUNK)) {
            for (StoredCollection.Entry entry : entries) {
                ObjectNode line = Replies.JSON.createObjectNode();
                line.set("id", entry.key().json());
                line.put("version", entry.version());
                line.set("vector", entry.point().vector());
                line.set("payload", entry.point().payload());
                out.write(Replies.JSON.writeValueAsBytes(line));
                out.write('\n');
            }
        }
    }

    /**
     * Reads a snapshot into a new, unregistered collection named {@code name}, configured from its
     * {@code config.json}. A file that is not such an archive fails the way Qdrant fails on a broken
     * archive: a 500.
     */
    static StoredCollection read(Path file, String name) {
        return readShards(file, name).collection();
    }

    /** A collection snapshot read back: the collection, and the shard each point was in. */
    record Shards(StoredCollection collection, Map<PointId, Integer> shardOf, Set<Integer> shards) {
    }

    static Shards readShards(Path file, String name) {
        try {
            // Qdrant appends config.json after the shards: one pass for it, a second one for the points
            JsonNode config = entry(file, "config.json").orElseThrow(() -> broken("no config.json in the archive"));
            StoredCollection collection = StoredCollection.fromConfig(name, config);
            entry(file, "payload_index.json").ifPresent(index -> index.path("schema").fields()
                    .forEachRemaining(field -> collection.index(field.getKey(), field.getValue())));
            Map<PointId, Integer> shardOf = new HashMap<>();
            Set<Integer> shards = new TreeSet<>();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
                TarFormat.read(in, (entry, size, data) -> {
                    Matcher shard = SHARD_ENTRY.matcher(entry);
                    if (shard.matches()) {
                        int id = Integer.parseInt(shard.group(1));
                        shards.add(id);
                        for (JsonNode point; (point = readLine(data)) != null; ) {
                            collection.restore(point, point.path("version").asLong());
                            shardOf.put(PointId.of(point.get("id"), "points"), id);
                        }
                    }
                });
            }
            return new Shards(collection, shardOf, shards);
        } catch (IOException e) {
            throw broken(e.getMessage());
        } catch (QdrantError e) {
            throw e.status() == 500 ? e : broken(e.getMessage());
        }
    }

    /**
     * Reads a shard snapshot into a new, unregistered collection configured like {@code like}. A tar
     * without the shard's data is Qdrant's 400 "Invalid snapshot"; a file that is no tar, a 500.
     */
    static StoredCollection readShard(Path file, StoredCollection like) {
        StoredCollection shard = StoredCollection.fromConfig(like.name(), like.configJson());
        boolean[] found = new boolean[1];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            TarFormat.read(in, (entry, size, data) -> {
                if (entry.equals(SHARD_POINTS)) {
                    found[0] = true;
                    for (JsonNode point; (point = readLine(data)) != null; ) {
                        shard.restore(point, point.path("version").asLong());
                    }
                }
            });
        } catch (IOException e) {
            throw broken(e.getMessage());
        } catch (QdrantError e) {
            throw e.status() == 500 ? e : broken(e.getMessage());
        }
        if (!found[0]) {
            throw new QdrantError(400, "Bad request: Invalid snapshot");
        }
        return shard;
    }

    /** The JSON of one small entry of the archive, if it has it. */
    static Optional<JsonNode> entry(Path file, String wanted) throws IOException {
        JsonNode[] found = new JsonNode[1];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            TarFormat.read(in, (entry, size, data) -> {
                if (entry.equals(wanted)) {
                    if (size > MAX_CONFIG) {
                        throw new IOException(wanted + " is " + size + " bytes");
                    }
                    found[0] = Replies.JSON.readTree(data.readAllBytes());
                }
            });
        }
        return Optional.ofNullable(found[0]);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Deterministic, incompressible filler (SplitMix64 from a fixed seed), written in chunks. */
    static void writeBallast(OutputStream out, long bytes) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long state = 0x5EED_0F_BA11A57L;
        for (long left = bytes; left > 0; ) {
            for (int i = 0; i < CHUNK; i += 8) {
                state += 0x9E3779B97F4A7C15L;
                long z = (state ^ (state >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z ^= z >>> 31;
                for (int b = 0; b < 8; b++) {
                    chunk[i + b] = (byte) (z >>> (8 * b));
                }
            }
            int n = (int) Math.min(left, CHUNK);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    /** One JSON line, or null at the end; a line longer than {@value #MAX_LINE} bytes is an error. */
    private static JsonNode readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() == MAX_LINE) {
                throw broken("a line is longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        return Replies.JSON.readTree(line.toByteArray());
    }

    private static QdrantError broken(String detail) {
        return new QdrantError(500, "Service internal error: File IO error: failed to read snapshot: " + detail);
    }
}
