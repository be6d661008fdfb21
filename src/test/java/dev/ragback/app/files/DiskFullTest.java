package dev.ragback.app.files;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DiskFullTest {
    @Test
    void recognisesTheErrnoTextsAnywhereInTheCauseChain() {
        IOException enospc = new IOException("No space left on device");
        RagbackException wrapped = RagbackException.external("cannot write the Qdrant snapshot to x", "free space",
                new FileWriteException(Path.of("x"), enospc));
        assertEquals("the disk is full (No space left on device)", DiskFull.reason(wrapped));
        assertEquals("the disk quota is used up (Disk quota exceeded)", DiskFull.reason(new IOException("Disk quota exceeded")));
        assertEquals("the file size limit was reached (File too large; see ulimit -f)", DiskFull.reason(new IOException("File too large")));
    }

    @Test
    void otherFailuresAreNotADiskFull() {
        assertNull(DiskFull.reason(new IOException("Connection refused")));
        assertNull(DiskFull.reason(new IOException((String) null)));
        assertNull(DiskFull.reason(null));
    }

    @Test
    void aFileWriteExceptionKeepsTheMessageAndNamesTheFile() {
        FileWriteException e = new FileWriteException(Path.of("/b/.tmp-1/qdrant/c.snapshot"), new IOException("No space left on device"));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(Path.of("/b/.tmp-1/qdrant/c.snapshot"), e.file());
    }
}
