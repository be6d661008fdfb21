package dev.ragback.app.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Entries of archives made by GNU tar (ustar and GNU long names), as Qdrant's snapshots are plain tars. */
class TarArchiveTest {
    @TempDir
    Path dir;

    private Path tar(String format, Path content) throws Exception {
        Path archive = dir.resolve(format + ".tar");
        Process tar = new ProcessBuilder("tar", "--format=" + format, "-cf", archive.toString(), "-C", content.toString(), ".")
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return archive;
    }

    private Path snapshotLikeContent() throws Exception {
        Path content = Files.createDirectories(dir.resolve("content"));
        Path deep = Files.createDirectories(content.resolve("0/segments/" + "d".repeat(90) + "/vector_storage-" + "v".repeat(40)));
        Files.write(deep.resolve("vectors.dat"), new byte[70_000]);
        Files.writeString(content.resolve("version.info"), "0.4.2");
        Files.writeString(content.resolve("config.json"), "{\"params\":{\"shard_number\":1}}");
        return content;
    }

    @Test
    void readsNamedEntriesOfGnuAndPaxArchivesWithLongNames() throws Exception {
        Path content = snapshotLikeContent();
        for (String format : List.of("gnu", "pax", "ustar")) {
            Path archive = tar(format, content);
            List<String> names = TarArchive.entries(archive).stream().filter(TarArchive.Entry::file).map(TarArchive.Entry::name).toList();
            assertTrue(names.contains("config.json") && names.contains("version.info"), format + ": " + names);
            assertTrue(names.stream().anyMatch(n -> n.endsWith("/vectors.dat") && n.length() > 100), format + ": " + names);
            assertArrayEquals("0.4.2".getBytes(StandardCharsets.US_ASCII), TarArchive.read(archive, "version.info", 64).orElseThrow());
            assertEquals("{\"params\":{\"shard_number\":1}}",
                    new String(TarArchive.read(archive, "config.json", 1024).orElseThrow(), StandardCharsets.UTF_8));
            assertTrue(TarArchive.read(archive, "payload_index.json", 1024).isEmpty());
            assertThrows(TarArchive.NotATar.class, () -> TarArchive.read(archive, "config.json", 4), "bigger than allowed");
        }
    }

    @Test
    void refusesWhatIsNotATarAndATarCutShort() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage"), "not a tar\n".repeat(200));
        assertThrows(TarArchive.NotATar.class, () -> TarArchive.entries(garbage));
        Path archive = tar("gnu", snapshotLikeContent());
        byte[] bytes = Files.readAllBytes(archive);
        Path cut = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(bytes, 512 * 3 + 100));
        assertThrows(TarArchive.NotATar.class, () -> TarArchive.entries(cut));
    }
}
