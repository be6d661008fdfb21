package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class PgDumpToolDumpTest {
    private static final DumpTool.DumpOptions CUSTOM = new DumpTool.DumpOptions(false, 1, 1,
            List.of("task_events", "task_events_id_seq", "ragback_*"));

    @TempDir
    Path dir;

    @BeforeAll
    static void data(PgDatabase db) {
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, 2000);
        RagFixtures.createTaskEvents(db);
        db.execute("INSERT INTO task_events (task_id, event_type) VALUES ('t1', 'kept_out_of_dumps')");
    }

    private static PgDumpTool tool(ThrowawayPostgres postgres, PgDatabase db) {
        return new PgDumpTool(postgres.binDir(), db.connection());
    }

    @Test
    void customDumpIsHashedWhileWrittenAndLeavesTaskDbOut(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        Path archive = dir.resolve("ragdb.dump");
        List<Long> progress = new ArrayList<>();
        List<FileDigest> digests = tool(postgres, db).dump(CUSTOM, archive, "postgres/ragdb.dump", progress::add);
        assertEquals(1, digests.size());
        assertEquals(Sha256.of(archive, "postgres/ragdb.dump"), digests.get(0));
        assertFalse(progress.isEmpty());
        String list = run(List.of(postgres.binDir().resolve("pg_restore").toString(), "--list", archive.toString()));
        assertTrue(list.contains("TABLE public rag_chunks"), list);
        assertTrue(list.contains("TABLE public schema_migrations"), list);
        // the audit table's sequence too: restoring it would drop or rewind the live audit trail's ids
        assertFalse(list.contains("task_events"), list);
        tool(postgres, db).checkReadable(archive);
    }

    @Test
    void anArchiveThatCannotBeWrittenIsALocalFailureNotAMissingClient(ThrowawayPostgres postgres, PgDatabase db) {
        Path unwritable = dir.resolve("no-such-dir/ragdb.dump");
        RagbackException e = assertThrows(RagbackException.class,
                () -> tool(postgres, db).dump(CUSTOM, unwritable, "postgres/ragdb.dump", n -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("cannot write the pg_dump output to " + unwritable), e.getMessage());
        assertTrue(e.hint().contains("free space"), e.hint());
    }

    @Test
    void truncatedArchiveIsCaughtByReadingItToTheEnd(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        Path archive = dir.resolve("ragdb.dump");
        tool(postgres, db).dump(CUSTOM, archive, "postgres/ragdb.dump", n -> { });
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        run(List.of(postgres.binDir().resolve("pg_restore").toString(), "--list", archive.toString()));
        RagbackException e = assertThrows(RagbackException.class, () -> tool(postgres, db).checkReadable(archive));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().startsWith("pg_restore cannot read " + archive), e.getMessage());
    }

    @Test
    void directoryFormatHashesEveryFile(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        Path target = dir.resolve("ragdb.dump");
        List<FileDigest> digests = tool(postgres, db).dump(new DumpTool.DumpOptions(true, 1, 2, List.of("task_events")),
                target, "postgres/ragdb.dump", n -> { });
        assertTrue(digests.size() >= 2, digests.toString());
        for (FileDigest digest : digests) {
            assertTrue(digest.path().startsWith("postgres/ragdb.dump/"), digest.path());
            String name = digest.path().substring("postgres/ragdb.dump/".length());
            assertEquals(Sha256.of(target.resolve(name), digest.path()), digest);
        }
        tool(postgres, db).checkReadable(target);
    }

    @Test
    void customFormatPassesPostgresCompressAsTheCompressionLevel(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        Path bin = recordingPgDump(postgres);
        Path archive = dir.resolve("ragdb.dump");
        new PgDumpTool(bin, db.connection()).dump(new DumpTool.DumpOptions(false, 7, 1, List.of("task_events")),
                archive, "postgres/ragdb.dump", n -> { });
        List<String> argv = recordedArgv(bin);
        assertTrue(argv.contains("--format=custom"), argv.toString());
        assertEquals(List.of("--compress=7"), argv.stream().filter(a -> a.startsWith("--compress") || a.startsWith("-Z")).toList(),
                argv.toString());
        assertTrue(argv.stream().noneMatch(a -> a.startsWith("--jobs") || a.startsWith("-j")), "no jobs for -Fc: " + argv);
        run(List.of(postgres.binDir().resolve("pg_restore").toString(), "--list", archive.toString()));
    }

    @Test
    void theCompressionLevelChangesTheArchive(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        Path plain = dir.resolve("level0.dump");
        Path packed = dir.resolve("level9.dump");
        tool(postgres, db).dump(new DumpTool.DumpOptions(false, 0, 1, List.of("task_events")), plain, "level0.dump", n -> { });
        tool(postgres, db).dump(new DumpTool.DumpOptions(false, 9, 1, List.of("task_events")), packed, "level9.dump", n -> { });
        assertTrue(Files.size(plain) > Files.size(packed), Files.size(plain) + " bytes at level 0, " + Files.size(packed) + " at 9");
    }

    @Test
    void directoryFormatPassesPostgresJobsAndCompress(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        Path bin = recordingPgDump(postgres);
        Path target = dir.resolve("ragdb.dump");
        new PgDumpTool(bin, db.connection()).dump(new DumpTool.DumpOptions(true, 3, 2, List.of("task_events")),
                target, "postgres/ragdb.dump", n -> { });
        List<String> argv = recordedArgv(bin);
        assertTrue(argv.contains("--format=directory"), argv.toString());
        assertEquals(List.of("--jobs=2"), argv.stream().filter(a -> a.startsWith("--jobs") || a.startsWith("-j")).toList(),
                argv.toString());
        assertEquals(List.of("--compress=3"), argv.stream().filter(a -> a.startsWith("--compress") || a.startsWith("-Z")).toList(),
                argv.toString());
        assertTrue(argv.contains("--file=" + target), argv.toString());
        tool(postgres, db).checkReadable(target);
    }

    /** A pg_dump that writes its argv, one argument a line, next to itself and then runs the real one. */
    private Path recordingPgDump(ThrowawayPostgres postgres) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("recording-bin"));
        Path script = bin.resolve("pg_dump");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/argv\"\nexec '"
                + postgres.binDir().resolve("pg_dump") + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    private static List<String> recordedArgv(Path bin) throws Exception {
        return Files.readAllLines(bin.resolve("argv"));
    }

    @Test
    void failureIsOneLineWithPgDumpsMessageAndNoPassword(ThrowawayPostgres postgres, PgDatabase db) {
        PostgresConnection missing = new PostgresConnection(postgres.host(), postgres.port(), postgres.user(),
                "no_such_db", postgres.password());
        RagbackException e = assertThrows(RagbackException.class, () -> new PgDumpTool(postgres.binDir(), missing)
                .dump(CUSTOM, dir.resolve("x.dump"), "x.dump", n -> { }));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("pg_dump of " + missing.describe() + " failed (exit 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("no_such_db"), e.getMessage());
        assertTrue(e.hint().contains("PostgreSQL at " + missing.describe()) && !e.hint().contains("install"),
                "pg_dump ran, so the hint points at the server, not the client programs: " + e.hint());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(e.getMessage().contains(postgres.password()), e.getMessage());
    }

    @Test
    void passwordReachesPgDumpOnlyThroughItsEnvironment(ThrowawayPostgres postgres, PgDatabase db) throws Exception {
        try (Connection holder = db.connection().open(); Statement lock = holder.createStatement()) {
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE rag_chunks IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<List<FileDigest>> dump = CompletableFuture.supplyAsync(
                    () -> tool(postgres, db).dump(CUSTOM, dir.resolve("ragdb.dump"), "ragdb.dump", n -> { }));
            ProcessHandle pgDump = waitForChild("pg_dump");
            String cmdline = Files.readString(Path.of("/proc/" + pgDump.pid() + "/cmdline")).replace('\0', ' ');
            String environ = new String(Files.readAllBytes(Path.of("/proc/" + pgDump.pid() + "/environ")), StandardCharsets.UTF_8);
            assertTrue(cmdline.contains("--format=custom"), cmdline);
            assertFalse(cmdline.contains(postgres.password()), cmdline);
            assertTrue(environ.contains("PGPASSWORD=" + postgres.password()), "the password travels in the environment");
            holder.rollback();
            assertEquals(1, dump.get(60, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void chunkCountsFollowTheSpecQuery(PgDatabase db) {
        List<DatabaseProbe.ModelCount> counts = new JdbcDatabaseProbe(db.connection()).chunkCounts("rag_chunks");
        assertEquals(List.of(new DatabaseProbe.ModelCount("bge-small", 500, 251), new DatabaseProbe.ModelCount("e5-small", 1500, 250)),
                counts);
    }

    private static ProcessHandle waitForChild(String name) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<ProcessHandle> child = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false)).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " never started");
    }

    private static String run(List<String> argv) throws Exception {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output;
    }
}
