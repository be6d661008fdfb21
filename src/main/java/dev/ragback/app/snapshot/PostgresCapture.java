package dev.ragback.app.snapshot;

import dev.ragback.app.Background;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The database half of a set: version check, counts, escrowed down chain, the dump. */
final class PostgresCapture {
    static final String PART = "postgres";

    private final DatabaseProbe database;
    private final DumpTool dumpTool;
    private final AppliedMigrations migrations;
    private final SnapshotSettings settings;

    PostgresCapture(DatabaseProbe database, DumpTool dumpTool, AppliedMigrations migrations, SnapshotSettings settings) {
        this.database = database;
        this.dumpTool = dumpTool;
        this.migrations = migrations;
        this.settings = settings;
    }

    record Captured(Manifest.PostgresPart part, String schemaVersion, List<Manifest.EscrowedMigration> migrations) {
    }

    Captured capture(SetSink sink, Progress progress) throws IOException {
        progress.stage(PART, "checking versions");
        String serverVersion = database.serverVersion();
        String dumpVersion = dumpTool.dumpVersion();
        if (Versions.major(dumpVersion) < Versions.major(serverVersion)) {
            throw RagbackException.external("pg_dump " + dumpVersion + " is older than the PostgreSQL server ("
                    + serverVersion + ") and cannot dump it safely",
                    "install postgresql-client-" + Versions.major(serverVersion) + " or newer", null);
        }
        // tables, counts and migrations are read while pg_dump runs; neither waits for the other
        CompletableFuture<List<Manifest.ModelCountEntry>> counts = Background.start("snapshot-counts", this::counts);
        CompletableFuture<List<String>> tables = Background.start("snapshot-tables",
                () -> database.tablesStartingWith(Manifest.RAG_TABLE_PREFIX));
        List<AppliedMigrations.Applied> applied = migrations.applied();
        List<Manifest.EscrowedMigration> escrow = applied.stream().filter(m -> !m.dirty())
                .map(m -> new Manifest.EscrowedMigration(m.version(), m.upSha256(), m.downSha256(), m.downSql())).toList();
        String schemaVersion = migrations.currentVersion().orElse(null);

        progress.stage(PART, "pg_dump");
        DumpTool.DumpOptions options = settings.dump();
        String file = PART + "/" + settings.database() + ".dump";
        java.util.function.LongConsumer dumped = bytes -> progress.bytes(PART, bytes);
        List<FileDigest> files = options.directoryFormat() ? dumpTool.dump(options, sink.directory(file), file, dumped)
                : List.of(dumpTool.dumpArchive(options, sink.file(file), file, dumped));
        long size = files.stream().mapToLong(FileDigest::size).sum();
        String sha256 = options.directoryFormat() ? null : files.get(0).sha256();
        Manifest.PostgresPart part = new Manifest.PostgresPart(settings.database(), serverVersion, dumpVersion,
                options.directoryFormat() ? "directory" : "custom", file, size, sha256, options.excludedTables(),
                Background.join(tables), Background.join(counts), files);
        return new Captured(part, schemaVersion, escrow);
    }

    private List<Manifest.ModelCountEntry> counts() {
        return database.tableExists(settings.chunksTable())
                ? database.chunkCounts(settings.chunksTable()).stream()
                        .map(c -> new Manifest.ModelCountEntry(c.modelId(), c.chunks(), c.docs())).toList()
                : List.of();
    }
}
