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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The double's snapshot file: one line of JSON header ({@code format}, {@code collection}, the
 * {@code vectors} config as a create request sends it, the {@code points} count), then one JSON
 * line per point ({@code id}, {@code version}, {@code vector} as sent, {@code payload}), then any
 * number of ballast bytes that readers never look at. Aliases
 * are not in it, as in Qdrant. Written and read as a stream: memory stays flat whatever the size.
 */
final class SnapshotFormat {
    static final String FORMAT = "ragback-qdrant-double-snapshot/1";
    private static final int MAX_LINE = 64 << 20;
    private static final int CHUNK = 64 << 10;

    private SnapshotFormat() {
    }

    /** Writes {@code collection} to the new file {@code target}, fsyncs it and returns its sha256 (hex). */
    static String write(StoredCollection collection, Path target, long ballast) throws IOException {
        MessageDigest sha256 = sha256();
        try (FileOutputStream file = new FileOutputStream(target.toFile());
             OutputStream out = new BufferedOutputStream(new DigestOutputStream(file, sha256), CHUNK)) {
            var entries = collection.entries();
            ObjectNode header = Replies.JSON.createObjectNode().put("format", FORMAT).put("collection", collection.name());
            header.set("vectors", collection.vectorsJson());
            header.put("points", entries.size());
            writeLine(out, header);
            for (StoredCollection.Entry entry : entries) {
                ObjectNode line = Replies.JSON.createObjectNode();
                line.set("id", entry.key().json());
                line.put("version", entry.version());
                line.set("vector", entry.point().vector());
                line.set("payload", entry.point().payload());
                writeLine(out, line);
            }
            writeBallast(out, ballast);
            out.flush();
            file.getFD().sync();
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * Reads a snapshot into a new, unregistered collection named {@code name}. A file that is not
     * one of ours fails the way Qdrant fails on a broken archive: a 500.
     */
    static StoredCollection read(Path file, String name) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            JsonNode header = readLine(in);
            if (header == null || !FORMAT.equals(header.path("format").asText())) {
                throw broken("not a snapshot of the Qdrant double");
            }
            StoredCollection collection = StoredCollection.fromRequest(name, header.get("vectors"));
            long points = header.path("points").asLong(-1);
            for (long i = 0; i < points; i++) {
                JsonNode point = readLine(in);
                if (point == null) {
                    throw broken("the snapshot ends after " + i + " of " + points + " points");
                }
                collection.restore(point, point.path("version").asLong());
            }
            return collection;
        } catch (IOException e) {
            throw broken(e.getMessage());
        }
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

    private static void writeLine(OutputStream out, JsonNode node) throws IOException {
        out.write(Replies.JSON.writeValueAsBytes(node));
        out.write('\n');
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
