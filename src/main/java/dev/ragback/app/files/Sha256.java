package dev.ragback.app.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 of files, read with a large direct buffer. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Size and sha256 of one file. */
    public static FileDigest of(Path file, String relativePath) throws IOException {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocateDirect(HashingFileWriter.BUFFER_BYTES);
        long size = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = channel.read(buffer)) >= 0; ) {
                if (n == 0 && !buffer.hasRemaining()) {
                    continue;
                }
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
                size += n;
            }
        }
        return new FileDigest(relativePath, size, hex(digest.digest()));
    }

    public static String ofText(String text) {
        return hex(newDigest().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
