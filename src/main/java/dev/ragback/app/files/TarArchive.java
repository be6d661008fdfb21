package dev.ragback.app.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the entries of an uncompressed tar file (ustar, GNU long names, pax paths), as Qdrant
 * writes its collection snapshots. Only the 512-byte headers are read; entry data is skipped by
 * seeking, so a many-gigabyte snapshot is listed in milliseconds.
 */
public final class TarArchive {
    private static final int BLOCK = 512;

    /** One archived file: its path ({@code ./} stripped), its size and where its bytes start. */
    public record Entry(String name, long size, long dataOffset, char type) {
        public boolean file() {
            return type == '0' || type == '\0';
        }
    }

    /** The file is not a tar archive, or it ends in the middle of one. */
    public static final class NotATar extends IOException {
        NotATar(String message) {
            super(message);
        }
    }

    private TarArchive() {
    }

    public static List<Entry> entries(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return entries(channel);
        }
    }

    /** The bytes of entry {@code name}, or empty when the archive has none; refuses entries above {@code maxBytes}. */
    public static Optional<byte[]> read(Path file, String name, int maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (Entry entry : entries(channel)) {
                if (entry.file() && entry.name().equals(name)) {
                    if (entry.size() > maxBytes) {
                        throw new NotATar(name + " is " + entry.size() + " bytes, more than the " + maxBytes + " expected");
                    }
                    return Optional.of(readData(channel, entry));
                }
            }
            return Optional.empty();
        }
    }

    private static byte[] readData(FileChannel channel, Entry entry) throws IOException {
        ByteBuffer data = ByteBuffer.allocate((int) entry.size());
        while (data.hasRemaining()) {
            if (channel.read(data, entry.dataOffset() + data.position()) < 0) {
                throw new NotATar("the archive ends inside " + entry.name());
            }
        }
        return data.array();
    }

    private static List<Entry> entries(FileChannel channel) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long size = channel.size();
        long position = 0;
        String longName = null;
        ByteBuffer header = ByteBuffer.allocate(BLOCK);
        while (position + BLOCK <= size) {
            header.clear();
            while (header.hasRemaining() && channel.read(header, position + header.position()) >= 0) {
                // a file channel fills the block unless the file ends
            }
            byte[] block = header.array();
            if (zeros(block)) {
                return entries; // end-of-archive marker
            }
            checkChecksum(block, position);
            long length = number(block, 124, 12, position);
            char type = (char) block[156];
            long data = position + BLOCK;
            if (data + length > size) {
                throw new NotATar("the archive ends inside the entry at byte " + position);
            }
            if (type == 'L' || type == 'x') {
                String meta = new String(readData(channel, new Entry("", length, data, type)), StandardCharsets.UTF_8);
                longName = type == 'L' ? meta.replaceAll("\0+$", "") : paxPath(meta, longName);
            } else {
                String name = longName != null ? longName : name(block);
                entries.add(new Entry(name.startsWith("./") ? name.substring(2) : name, length, data, type));
                longName = null;
            }
            position = data + (length + BLOCK - 1) / BLOCK * BLOCK;
        }
        if (position != size) {
            throw new NotATar("the archive ends inside a header at byte " + position);
        }
        return entries;
    }

    private static String name(byte[] block) {
        String name = text(block, 0, 100);
        String prefix = new String(block, 257, 6, StandardCharsets.US_ASCII).startsWith("ustar") ? text(block, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(String records, String fallback) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 6);
            }
        }
        return fallback;
    }

    private static String text(byte[] block, int offset, int length) {
        int end = offset;
        while (end < offset + length && block[end] != 0) {
            end++;
        }
        return new String(block, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Octal digits, or GNU's base-256 form (high bit set) for sizes beyond 8 GiB. */
    private static long number(byte[] block, int offset, int length, long at) throws NotATar {
        if ((block[offset] & 0x80) != 0) {
            long value = block[offset] & 0x7f;
            for (int i = offset + 1; i < offset + length; i++) {
                value = value << 8 | (block[i] & 0xff);
            }
            return value;
        }
        String digits = text(block, offset, length).strip();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new NotATar("not a tar archive: a bad number in the header at byte " + at);
        }
    }

    private static void checkChecksum(byte[] block, long at) throws NotATar {
        long recorded = number(block, 148, 8, at);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : block[i] & 0xff;
        }
        if (sum != recorded) {
            throw new NotATar("not a tar archive: the header at byte " + at + " does not check");
        }
    }

    private static boolean zeros(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
