package dev.ragback.cli;

import dev.ragback.app.port.DumpTool;
import dev.ragback.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** postgres.compress, postgres.dump_format and postgres.jobs reach the options pg_dump is run with. */
class ServicesDumpOptionsTest {
    @TempDir
    Path dir;

    private DumpTool.DumpOptions dumpOptions(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("ragback.yaml"), yaml);
        try (Services services = new Services(new ConfigLoader(file).load(file, Map.of(), Map.of()))) {
            return services.snapshotSettings().dump();
        }
    }

    @Test
    void defaultsAreCustomFormatGzipLevelOneAndOneJob() throws Exception {
        DumpTool.DumpOptions options = dumpOptions("");
        assertFalse(options.directoryFormat());
        assertEquals(1, options.compressLevel());
        assertEquals(1, options.jobs());
        assertTrue(options.excludedTables().containsAll(java.util.List.of("task_events", "ragback_*")), options.toString());
    }

    @Test
    void customFormatTakesTheCompressLevelAndIgnoresJobs() throws Exception {
        DumpTool.DumpOptions options = dumpOptions("postgres:\n  compress: 7\n  jobs: 4\n");
        assertFalse(options.directoryFormat());
        assertEquals(7, options.compressLevel());
        assertEquals(1, options.jobs(), "-Fc dumps in one job");
    }

    @Test
    void directoryFormatTakesJobsAndCompress() throws Exception {
        DumpTool.DumpOptions options = dumpOptions("postgres:\n  dump_format: directory\n  compress: 3\n  jobs: 4\n");
        assertTrue(options.directoryFormat());
        assertEquals(3, options.compressLevel());
        assertEquals(4, options.jobs());
    }
}
