package dev.ragback.testing.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a plain ustar archive as a stream, as Rust's tar crate writes Qdrant's snapshots (short names only). */
final class TarWriter {
    private static final int BLOCK = 512;

    /** Writes an entry's bytes. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private final OutputStream out;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    void entry(String name, byte[] data) throws IOException {
        entry(name, data.length, sink -> sink.write(data));
    }

    void entry(String name, long size, InputStream data) throws IOException {
        entry(name, size, sink -> {
            if (data.transferTo(sink) != size) {
                throw new IOException(name + " changed size while it was archived");
            }
        });
    }

    void entry(String name, long size, Body body) throws IOException {
        out.write(header(name, size));
        body.writeTo(out);
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        out.write(new byte[pad]);
    }

    /** The two zero blocks that end an archive. */
    void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
    }

    private static byte[] header(String name, long size) {
        byte[] block = new byte[BLOCK];
        byte[] path = name.getBytes(StandardCharsets.UTF_8);
        if (path.length > 100) {
            throw new IllegalArgumentException("a name this writer cannot store: " + name);
        }
        System.arraycopy(path, 0, block, 0, path.length);
        octal(block, 100, 8, 0644);
        octal(block, 108, 8, 0);
        octal(block, 116, 8, 0);
        octal(block, 124, 12, size);
        octal(block, 136, 12, 0);
        block[156] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, block, 257, 6);
        block[263] = '0';
        block[264] = '0';
        for (int i = 148; i < 156; i++) {
            block[i] = ' ';
        }
        long sum = 0;
        for (byte b : block) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        System.arraycopy(checksum.getBytes(StandardCharsets.US_ASCII), 0, block, 148, 6);
        block[154] = 0;
        return block;
    }

    private static void octal(byte[] block, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException("too large for a tar header field: " + value);
        }
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, block, offset, digits.length());
    }
}
