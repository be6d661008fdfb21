package dev.ragback.testing.qdrant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MultipartUploadTest {
    private static final String BOUNDARY = "xYz-42";

    @TempDir
    Path tmp;

    /** Content that looks like boundaries and line ends without being one. */
    private static byte[] trickyContent() {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            // a near miss of the delimiter "\r\n--xYz-42", never the delimiter itself
            content.writeBytes(("\r\n--xYz-4" + (char) ('a' + i % 26) + "\r\n-").getBytes(StandardCharsets.US_ASCII));
            content.write(i & 0xFF);
        }
        return content.toByteArray();
    }

    private static byte[] body(byte[] content, String part) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("preamble\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                + "hello\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; filename=\"a.snapshot\"; name=\""
                + part + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** Hands out at most three bytes a read, so every delimiter straddles reads. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    @Test
    void copiesTheNamedPartExactlyWhateverTheReadSizes() throws Exception {
        byte[] content = trickyContent();
        Path target = tmp.resolve("part");
        MultipartUpload.Part part = MultipartUpload.copyPart(trickle(body(content, "snapshot")),
                "multipart/form-data; boundary=\"" + BOUNDARY + "\"", "snapshot", target);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), part.sha256());
        assertEquals("a.snapshot", part.fileName(), "the file name of the kept part, for the file Qdrant keeps");
    }

    @Test
    void refusesAMissingPartACutBodyAndANonMultipartType() {
        Path target = tmp.resolve("part");
        String type = "multipart/form-data; boundary=" + BOUNDARY;
        QdrantError missing = assertThrows(QdrantError.class, () -> MultipartUpload.copyPart(
                new ByteArrayInputStream(body(new byte[]{1, 2}, "other")), type, "snapshot", target));
        assertEquals("Field `snapshot` is required", missing.getMessage());
        byte[] whole = body(trickyContent(), "snapshot");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 12);
        assertEquals(400, assertThrows(QdrantError.class, () -> MultipartUpload.copyPart(
                trickle(cut), type, "snapshot", target)).status());
        assertEquals(400, assertThrows(QdrantError.class, () -> MultipartUpload.copyPart(
                new ByteArrayInputStream(whole), "application/json", "snapshot", target)).status());
    }
}
