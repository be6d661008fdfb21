package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class PgDumpToolTest {

    @Test
    void versionsOfTheClusterBinariesMatchTheServerMajor(ThrowawayPostgres postgres) {
        PgDumpTool tool = new PgDumpTool(postgres.binDir(), null);
        String serverVersion = new JdbcDatabaseProbe(postgres.connection("postgres")).serverVersion();
        String dumpVersion = tool.dumpVersion();
        assertTrue(dumpVersion.matches("\\d+\\.\\d+"), dumpVersion);
        assertEquals(Versions.major(serverVersion), Versions.major(dumpVersion));
        assertEquals(dumpVersion, tool.restoreVersion());
        assertEquals(postgres.binDir().resolve("pg_dump"), tool.dumpProgram());
    }

    @Test
    void withoutADirectoryItSearchesPathThenTheDebianDirectories() {
        PgDumpTool tool = new PgDumpTool(null, null);
        assertTrue(tool.dumpVersion().matches("\\d+\\.\\d+"), tool.dumpVersion());
    }

    @Test
    void parsesTheVersionLineOfDebianAndPlainBuilds() {
        assertEquals("15.18", PgDumpTool.parseVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-1.pgdg120+1)\n"));
        assertEquals("16.4", PgDumpTool.parseVersion("pg_restore (PostgreSQL) 16.4"));
        assertEquals(null, PgDumpTool.parseVersion("command not found"));
    }

    @Test
    void missingProgramFailsExternalNamingWhereItLooked(@TempDir Path empty) {
        RagbackException failure = assertThrows(RagbackException.class, () -> new PgDumpTool(empty, null).dumpVersion());
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("pg_dump not found in " + empty), failure.getMessage());
    }

    @Test
    void unexpectedOutputFailsExternalInOneLine(@TempDir Path bin) throws IOException {
        script(bin.resolve("pg_dump"), "echo 'something else'; echo 'entirely' >&2; exit 3");
        RagbackException failure = assertThrows(RagbackException.class, () -> new PgDumpTool(bin, null).dumpVersion());
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("exited 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("something else entirely"), failure.getMessage());
    }

    @Test
    void theNewestVersionedDirectoryWinsWhenPathHasNone(@TempDir Path root) throws IOException {
        for (String version : new String[]{"9.6", "15", "16", "not-a-version"}) {
            Path bin = Files.createDirectories(root.resolve(version).resolve("bin"));
            script(bin.resolve("pg_dump"), "echo 'pg_dump (PostgreSQL) " + version + ".1'");
        }
        PgDumpTool tool = PgDumpTool.searching(new PostgresPrograms(null, "", root));
        assertEquals("16.1", tool.dumpVersion());
    }

    private static void script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
