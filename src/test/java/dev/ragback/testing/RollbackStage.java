package dev.ragback.testing;

import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.ThrowawayPostgres;
import dev.ragback.testing.qdrant.QdrantDouble;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The stage the black-box rollback tests share: both stores loaded, release directories, the
 * shipped matrix, a stub evaluator, and the runbook's bad change.
 */
public final class RollbackStage {
    /** The runbook's section-7 query: chunks and docs per model_id. */
    public static final String SECTION_7 = "SELECT model_id, count(*) AS chunks, count(DISTINCT uri) AS docs FROM rag_chunks "
            + "WHERE deleted_at IS NULL GROUP BY model_id ORDER BY model_id";

    private RollbackStage() {
    }

    /** Schema v1.1.0 with {@code chunks} chunks and TaskDB's table, from scratch; the same points behind alias rag_main. */
    public static void stores(PgDatabase db, QdrantDouble qdrant, int chunks) {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events, ragback_leases, dump_gate CASCADE");
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, chunks);
        RagFixtures.createTaskEvents(db);
        RagFixtures.loadPoints(qdrant, chunks);
    }

    /**
     * Ready for rollback auto: {@link #stores}, {@link #releases} (current v1.1.0), {@link #evaluator}, then
     * v1.1.0 marked green and a golden set taken. {@code cli} (from the black-box test), pointed at those stores.
     */
    public static RagbackCli ready(RagbackCli cli, Path work, PgDatabase db, QdrantDouble qdrant, int chunks, String... releases)
            throws IOException {
        stores(db, qdrant, chunks);
        releases(work, "v1.1.0", releases);
        evaluator(work, "");
        cli.workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
        cli.run("release", "mark-green", "v1.1.0").assertExit(0);
        cli.run("snapshot", "create", "--golden").assertExit(0);
        return cli;
    }

    /**
     * The rollback tests' golden set, made once per class: both stores with {@code chunks} chunks, releases v1.0.0,
     * v1.1.0 (current, marked green) and v2.0.0, and {@code snapshot create --golden}. Each test then calls
     * {@link #fromGoldenSet} ({@link RollbackGoldenSet} makes it once per class). {@code cli} (the black-box test's RagbackCli.create()) makes it.
     */
    public static GoldenSet goldenSet(ThrowawayPostgres postgres, PgDatabase db, int chunks, RagbackCli cli) throws IOException {
        Path stage = TempDirs.create("rollback-golden-");
        try (QdrantDouble qdrant = new QdrantDouble()) {
            stores(db, qdrant, chunks);
            releases(stage, "v1.1.0", "v1.0.0", "v1.1.0", "v2.0.0");
            cli.workDir(stage).env(db.env()).env("QDRANT_URL", qdrant.url().toString());
            cli.run("release", "mark-green", "v1.1.0").assertExit(0);
            cli.run("snapshot", "create", "--golden").assertExit(0);
        }
        return GoldenSet.capture(postgres, db, stage);
    }

    /** A test's start from {@link #goldenSet}: the database and files copied into {@code work}, the same points in {@code qdrant}. */
    public static void fromGoldenSet(GoldenSet golden, Path work, QdrantDouble qdrant, int chunks) {
        golden.restoreInto(work);
        RagFixtures.loadPoints(qdrant, chunks);
    }

    /** {@code ops/releases/<version>/} for each version, {@code current} pointing at {@code current}; the shipped matrix in compat/. */
    public static Path releases(Path work, String current, String... versions) throws IOException {
        Path releases = Files.createDirectories(work.resolve("ops/releases"));
        for (String version : versions) {
            Files.createDirectories(releases.resolve(version));
        }
        Files.createSymbolicLink(releases.resolve("current"), Path.of(current));
        Files.createDirectories(work.resolve("compat"));
        Files.copy(RagbackCli.projectDir().resolve("compat/matrix.md"), work.resolve("compat/matrix.md"));
        return releases;
    }

    /**
     * {@code ops/ragback.yaml} whose eval.command is {@code <work>/eval.sh}: it waits while
     * {@code <work>/hang} exists, then prints {@code {"faithfulness": S}} with S from
     * {@code <work>/score} (0.91 without it). {@code moreYaml} is appended as it is.
     */
    public static void evaluator(Path work, String moreYaml) throws IOException {
        Files.writeString(work.resolve("eval.sh"), "while [ -f \"$(dirname \"$0\")/hang\" ]; do sleep 0.1; done\n"
                + "echo \"{\\\"faithfulness\\\": $(cat \"$(dirname \"$0\")/score\" 2>/dev/null || echo 0.91)}\"\n");
        Files.createDirectories(work.resolve("ops"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "eval:\n  command: [\"sh\", \"" + work.resolve("eval.sh") + "\"]\n"
                + "  timeout: 120s\n" + moreYaml);
    }

    /** The bad change: rows deleted and poisoned, points 1-4 deleted, release v2.0.0 live, traffic at 100. */
    public static void damage(PgDatabase db, QdrantDouble qdrant, Path work) throws IOException {
        db.execute("DELETE FROM rag_chunks WHERE id % 5 = 0; UPDATE rag_chunks SET model_id = 'poisoned' WHERE id % 9 = 0");
        qdrant.deletePoints("rag_main_v2", 1L, 2L, 3L, 4L);
        Path releases = work.resolve("ops/releases");
        Files.delete(releases.resolve("current"));
        Files.createSymbolicLink(releases.resolve("current"), Path.of("v2.0.0"));
        Files.createDirectories(work.resolve("ops/state"));
        Files.writeString(work.resolve("ops/state/traffic"), "100\n");
    }
}
