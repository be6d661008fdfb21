package dev.ragback.adapters.traffic;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileTrafficSwitchTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsFullTraffic() {
        assertEquals(100, new FileTrafficSwitch(dir.resolve("traffic")).percent().getAsInt());
    }

    @Test
    void setWritesTheNumberAndANewlineCreatingParentDirectories() throws IOException {
        Path file = dir.resolve("ops/state/traffic");
        FileTrafficSwitch traffic = new FileTrafficSwitch(file);
        traffic.set(0);
        assertEquals("0\n", Files.readString(file));
        assertEquals(0, traffic.percent().getAsInt());
        traffic.set(100);
        assertEquals("100\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temp files left behind");
        }
    }

    @Test
    void setReplacesTheFileByRenameAndKeepsItsPermissions() throws IOException {
        Path file = Files.writeString(dir.resolve("traffic"), "100\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        Object inodeBefore = Files.getAttribute(file, "unix:ino");
        new FileTrafficSwitch(file).set(0);
        assertNotEquals(inodeBefore, Files.getAttribute(file, "unix:ino"), "a new file was renamed into place");
        assertEquals("0\n", Files.readString(file));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void readsWhitespaceAroundTheNumber() throws IOException {
        Path file = Files.writeString(dir.resolve("traffic"), "  42 \n\n");
        assertEquals(42, new FileTrafficSwitch(file).percent().getAsInt());
    }

    @Test
    void aFileThatIsNotAPercentageIsMalformedNamingTheFile() throws IOException {
        for (String content : new String[] {"abc", "101", "-1", "", "50 %"}) {
            Path file = Files.writeString(dir.resolve("traffic"), content);
            RagbackException failure = assertThrows(RagbackException.class, () -> new FileTrafficSwitch(file).percent(), content);
            assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
            assertTrue(failure.getMessage().contains(file.toString()), failure.getMessage());
        }
    }

    @Test
    void anUnwritableLocationFailsExternal() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        RagbackException failure = assertThrows(RagbackException.class,
                () -> new FileTrafficSwitch(notADirectory.resolve("traffic")).set(0));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().startsWith("cannot write the traffic file"), failure.getMessage());
    }
}
