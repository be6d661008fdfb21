package dev.ragback.testing.qdrant;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body as a stream and copies one part to a file, hashing it
 * on the way: a gigabyte upload never sits in memory. Other parts are read and dropped.
 */
final class MultipartUpload {
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=(\"([^\"]+)\"|[^;\\s]+)");
    private static final Pattern PART_NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i)(?:^|;)\\s*filename=\"([^\"]*)\"");
    private static final int MAX_HEADER_LINE = 16 << 10;
    private static final byte[] CRLF = {'\r', '\n'};

    private final InputStream in;
    private final byte[] buffer = new byte[256 << 10];
    private int position;
    private int limit;

    private MultipartUpload(InputStream in) {
        this.in = in;
    }

    /** The part that was kept: its sha256 (hex) and the file name its headers gave, or {@code null}. */
    record Part(String sha256, String fileName) {
    }

    private String fileName;

    /**
     * Copies the part named {@code part} to {@code target} and returns its sha256 (hex) and file name.
     *
     * @throws QdrantError 400 when the body is not multipart, is cut short, or lacks the part
     */
    static Part copyPart(InputStream body, String contentType, String part, Path target) throws IOException {
        Matcher boundary = contentType == null ? null : BOUNDARY.matcher(contentType);
        if (boundary == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data") || !boundary.find()) {
            throw bad("Content type error: expected multipart/form-data with a boundary, got " + contentType);
        }
        String token = boundary.group(2) != null ? boundary.group(2) : boundary.group(1);
        return new MultipartUpload(body).copy(token, part, target);
    }

    private Part copy(String boundary, String wanted, Path target) throws IOException {
        byte[] first = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        if (!copyUntil(first, OutputStream.nullOutputStream())) {
            throw bad("Multipart stream is incomplete: no boundary");
        }
        String checksum = null;
        String keptFileName = null;
        while (true) {
            byte[] after = take(2);
            if (after[0] == '-' && after[1] == '-') {
                break;
            }
            if (after[0] != '\r' || after[1] != '\n') {
                throw bad("Multipart stream is malformed after a boundary");
            }
            String name = partName();
            boolean keep = wanted.equals(name) && checksum == null;
            MessageDigest sha256 = SnapshotFormat.sha256();
            try (OutputStream sink = keep ? new DigestOutputStream(Files.newOutputStream(target), sha256)
                    : OutputStream.nullOutputStream()) {
                if (!copyUntil(next, sink)) {
                    throw bad("Multipart stream is incomplete");
                }
            }
            if (keep) {
                checksum = HexFormat.of().formatHex(sha256.digest());
                keptFileName = fileName;
            }
        }
        if (checksum == null) {
            throw bad("Field `" + wanted + "` is required");
        }
        return new Part(checksum, keptFileName);
    }

    /** Reads the part's header lines up to the empty one; returns the form field name, or null. */
    private String partName() throws IOException {
        String name = null;
        fileName = null;
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            OutputStream capped = new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (line.size() + len > MAX_HEADER_LINE) {
                        throw bad("Multipart part header is too long");
                    }
                    line.write(b, off, len);
                }
            };
            if (!copyUntil(CRLF, capped)) {
                throw bad("Multipart stream is incomplete in a part header");
            }
            String header = line.toString(StandardCharsets.UTF_8);
            if (header.isEmpty()) {
                return name;
            }
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                Matcher m = PART_NAME.matcher(header.substring(colon + 1));
                name = m.find() ? m.group(1) : null;
                Matcher file = FILE_NAME.matcher(header.substring(colon + 1));
                fileName = file.find() ? file.group(1) : null;
            }
        }
    }

    /** Copies bytes to {@code sink} until {@code delimiter}, which is consumed; false when the stream ends first. */
    private boolean copyUntil(byte[] delimiter, OutputStream sink) throws IOException {
        while (true) {
            int found = indexOf(delimiter);
            if (found >= 0) {
                sink.write(buffer, position, found - position);
                position = found + delimiter.length;
                return true;
            }
            int safe = limit - delimiter.length + 1; // a match could still start at or after here
            if (safe > position) {
                sink.write(buffer, position, safe - position);
                position = safe;
            }
            if (!readMore()) {
                return false;
            }
        }
    }

    private byte[] take(int count) throws IOException {
        while (limit - position < count) {
            if (!readMore()) {
                throw bad("Multipart stream is incomplete");
            }
        }
        byte[] taken = new byte[count];
        System.arraycopy(buffer, position, taken, 0, count);
        position += count;
        return taken;
    }

    private int indexOf(byte[] delimiter) {
        byte head = delimiter[0];
        for (int i = position, last = limit - delimiter.length; i <= last; i++) {
            if (buffer[i] != head) {
                continue;
            }
            int j = 1;
            while (j < delimiter.length && buffer[i + j] == delimiter[j]) {
                j++;
            }
            if (j == delimiter.length) {
                return i;
            }
        }
        return -1;
    }

    private boolean readMore() throws IOException {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n <= 0) {
            return false;
        }
        limit += n;
        return true;
    }

    private static QdrantError bad(String detail) {
        return new QdrantError(400, detail);
    }
}
