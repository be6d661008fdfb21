package dev.ragback.testing.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Plain ustar archives as streams, as Rust's tar crate writes Qdrant's snapshots (short names only):
 * {@link Writer} writes one, {@link #read} goes through one entry by entry. The double's own, so that
 * it models the server without borrowing ragback's code.
 */
final class TarFormat {
    private static final int BLOCK = 512;

    /** What {@link #read} hands over for each entry; the stream ends with the entry's data. */
    interface EntryReader {
        void entry(String name, long size, InputStream data) throws IOException;
    }

    private TarFormat() {
    }

    /**
     * Reads every entry of the archive in order. A stream that is not a ustar archive, or ends inside
     * one, fails with an {@link IOException} naming where.
     */
    static void read(InputStream in, EntryReader reader) throws IOException {
        byte[] header = new byte[BLOCK];
        long offset = 0;
        while (true) {
            int got = in.readNBytes(header, 0, BLOCK);
            if (got == 0) {
                return;
            }
            if (got < BLOCK) {
                throw new IOException("the archive ends inside a header at byte " + offset);
            }
            if (allZero(header)) {
                return;
            }
            if (!new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                throw new IOException("not a tar archive: no ustar header at byte " + offset);
            }
            String name = new String(header, 0, 100, StandardCharsets.UTF_8).replaceAll("\0.*$", "");
            long size;
            try {
                size = Long.parseLong(new String(header, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            } catch (NumberFormatException e) {
                throw new IOException("not a tar archive: a bad size at byte " + offset);
            }
            Bounded data = new Bounded(in, size);
            reader.entry(name, size, data);
            data.skipRest();
            long pad = (BLOCK - size % BLOCK) % BLOCK;
            if (in.readNBytes((int) pad).length < pad) {
                throw new IOException("the archive ends inside " + name);
            }
            offset += BLOCK + size + pad;
        }
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** One entry's bytes out of the archive stream; reading past them, or an archive cut short, fails. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the archive ends inside an entry");
            }
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            while (left > 0) {
                if (skip(left) <= 0 && read() < 0) {
                    return;
                }
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }

    /** Writes entries, then {@link #finish()}. */
    static final class Writer {

        /** Writes an entry's bytes. */
        interface Body {
            void writeTo(OutputStream out) throws IOException;
        }

        private final OutputStream out;

        Writer(OutputStream out) {
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
}
