package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDoubleCluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The cluster black-box classes' stage: TaskDB and rag_chunks at {@code schema} with {@code points} chunks, a 3-node
 * double, and a CLI with qdrant.url and qdrant.nodes pointed at it. Close it after each test.
 */
@BlackBox
final class ClusterStage implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final QdrantDoubleCluster cluster;
    final ClusterRest qdrant;
    final RagbackCli cli;
    private final Path work;
    private final int points;

    ClusterStage(PgDatabase db, Path work, String schema, int points) throws Exception {
        this.work = work;
        this.points = points;
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        RagFixtures.migrate(db, schema);
        RagFixtures.loadChunks(db, points);
        RagFixtures.createTaskEvents(db);
        cluster = QdrantDoubleCluster.start(3);
        cluster.activationDelay(Duration.ofMillis(50));
        qdrant = new ClusterRest(cluster.urls().get(0));
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", cluster.urls().get(0))
                .env("QDRANT_NODES", String.join(",", cluster.urls()));
    }

    /** rag_main -> rag_main_v2: 6 shards, replication factor 2, a keyword index on uri, one point per chunk. */
    void autoSharded() throws Exception {
        qdrant.createCollection("rag_main_v2", 6, 2, false);
        qdrant.awaitActive("rag_main_v2");
        qdrant.index("rag_main_v2", "uri");
        qdrant.upsert("rag_main_v2", 1, points + 1, null);
        qdrant.alias("rag_main", "rag_main_v2");
    }

    /** {@code snapshot create --golden}; its set id. */
    String golden(String... globalOptions) throws Exception {
        String[] args = new String[globalOptions.length + 4];
        System.arraycopy(globalOptions, 0, args, 0, globalOptions.length);
        System.arraycopy(new String[] {"--json", "snapshot", "create", "--golden"}, 0, args, globalOptions.length, 4);
        return JSON.readTree(cli.run(args).assertExit(0).stdout()).get("id").asText();
    }

    JsonNode manifest(String id) throws Exception {
        return JSON.readTree(work.resolve("backups").resolve(id).resolve("manifest.json").toFile());
    }

    @Override
    public void close() {
        cluster.close();
    }
}
