package dev.ragback.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.adapters.postgres.JdbcSchemaMigrator;
import dev.ragback.app.Versions;
import dev.ragback.app.migrate.MigrationService;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDouble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reference RAG data for tests: the shipped migrations applied (through the migrate use case),
 * chunks in PostgreSQL and matching points in the Qdrant double.
 */
public final class RagFixtures {
    public static final Path MIGRATIONS = Path.of(System.getProperty("ragback.project.dir", ".")).resolve("ops/migrations");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RagFixtures() {
    }

    /** Applies every shipped migration up to and including {@code upTo}, as {@code ragback migrate up --to} does. */
    public static void migrate(PgDatabase db, String upTo) {
        new MigrationService(MIGRATIONS, new JdbcSchemaMigrator(db.connection(), null, Duration.ofMinutes(5)), () -> "unused")
                .up(upTo, step -> { });
    }

    public static List<String> versions() {
        try (Stream<Path> dirs = Files.list(MIGRATIONS)) {
            return dirs.map(d -> d.getFileName().toString()).sorted(Versions.SEMANTIC).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} chunks over two models, 8 chunks per document, deterministic content and embeddings. */
    public static void loadChunks(PgDatabase db, int count) {
        db.execute("INSERT INTO rag_chunks (uri, model_id, chunk_index, content, embedding, metadata) "
                + "SELECT 'doc://runbook/' || (g / 8), CASE WHEN g % 4 = 0 THEN 'bge-small' ELSE 'e5-small' END, g % 8, "
                + "repeat('chunk ' || g || ' of the rollback runbook. ', 12), "
                + "ARRAY[(g % 7)::real, (g % 11)::real, (g % 13)::real, 1.0::real], "
                + "jsonb_build_object('source', 'runbook', 'n', g) FROM generate_series(1, " + count + ") AS g");
    }

    public static void createTaskEvents(PgDatabase db) {
        db.execute("CREATE TABLE IF NOT EXISTS task_events (id bigserial PRIMARY KEY, task_id text NOT NULL, "
                + "event_type text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())");
    }

    /** A collection {@code rag_main_v2} behind alias {@code rag_main}, with {@code count} points of 4 dimensions. */
    public static void loadPoints(QdrantDouble qdrant, int count) {
        qdrant.createCollection("rag_main_v2", 4, "Cosine");
        qdrant.createAlias("rag_main", "rag_main_v2");
        ArrayNode batch = JSON.createArrayNode();
        for (int id = 1; id <= count; id++) {
            ObjectNode point = batch.addObject().put("id", id);
            point.putArray("vector").add(id % 7 + 0.5).add(id % 11).add(id % 13).add(1.0);
            point.putObject("payload").put("uri", "doc://runbook/" + id / 8).put("chunk_index", id % 8);
            if (batch.size() == 500 || id == count) {
                qdrant.store().upsert("rag_main_v2", batch);
                batch = JSON.createArrayNode();
            }
        }
    }
}
