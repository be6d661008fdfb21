package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.s3.S3Bucket;
import dev.ragback.testing.s3.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command that takes a set, against a directory and against an S3 bucket (s3proxy): the same
 * commands, the same outcomes.
 */
@ExtendWith({PostgresExtension.class, S3ProxyExtension.class})
@BlackBox
class SnapshotRepositoryCliIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private QdrantDouble qdrant;

    @AfterEach
    void tearDown() {
        if (qdrant != null) {
            qdrant.close();
        }
    }

    /** A CLI whose backups.dir is a directory ("dir") or a fresh prefix of the class's bucket ("s3"). */
    static Repo repo(String kind, Path work, S3Bucket bucket) {
        if (kind.equals("dir")) {
            // the bucket's settings and credentials too, for a copy to it; a directory repository ignores them
            java.util.Map<String, String> env = new java.util.LinkedHashMap<>(bucket.proxy().credentialsEnv());
            env.put("RAGBACK_BACKUPS", work.resolve("backups").toString());
            return new Repo(work.resolve("backups").toString(), bucket.setFlags(), env, null);
        }
        String prefix = "sets-" + UUID.randomUUID().toString().substring(0, 8);
        return new Repo(bucket.url(prefix), bucket.setFlags(), bucket.env(prefix), prefix);
    }

    record Repo(String location, List<String> flags, java.util.Map<String, String> env, String prefix) {
        String[] args(String... args) {
            List<String> all = new ArrayList<>(flags);
            all.addAll(List.of(args));
            return all.toArray(String[]::new);
        }
    }

    /** Both stores with {@code rows} chunks and points at schema v1.0.0, and a CLI pointed at them. */
    record Stores(QdrantDouble qdrant, RagbackCli cli) {
        static Stores load(PgDatabase db, Path work, int rows) {
            db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events, dump_gate CASCADE");
            QdrantDouble qdrant = new QdrantDouble("repo-key-31");
            RagbackCli cli = RagbackCli.create().workDir(work).env(db.env())
                    .env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", "repo-key-31");
            RagFixtures.migrate(db, "v1.0.0");
            RagFixtures.loadChunks(db, rows);
            RagFixtures.createTaskEvents(db);
            RagFixtures.loadPoints(qdrant, rows);
            return new Stores(qdrant, cli);
        }
    }

    private RagbackCli cli(PgDatabase db, Repo repo) {
        Stores stores = Stores.load(db, work, 1500);
        qdrant = stores.qdrant();
        return stores.cli().env(repo.env());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dir", "s3"})
    void createListVerifyPromoteRestorePrune(String kind, PgDatabase db, S3Bucket bucket) throws Exception {
        Repo repo = repo(kind, work, bucket);
        RagbackCli cli = cli(db, repo);

        JsonNode first = JSON.readTree(cli.run(repo.args("--json", "snapshot", "create", "--label", "first")).assertExit(0).stdout());
        String id = first.get("id").asText();
        String chunksBefore = db.rows("SELECT count(*) || ':' || coalesce(sum(length(content)), 0) FROM rag_chunks").toString();
        List<String> pointsBefore = qdrant.pointLines("rag_main");

        JsonNode list = JSON.readTree(cli.run(repo.args("--json", "snapshot", "list")).assertExit(0).stdout());
        assertEquals(1, list.size(), list.toString());
        assertEquals(id, list.get(0).get("id").asText());
        assertEquals("complete", list.get(0).get("status").asText());
        assertEquals(repo.location() + "/" + id, list.get(0).get("path").asText());

        RagbackCli.Result verify = cli.run(repo.args("snapshot", "verify", id)).assertExit(0);
        assertTrue(verify.stdout().contains("ok   " + id + "/postgres/"), verify.stdout());
        RagbackCli.Result deep = cli.run(repo.args("snapshot", "verify", "--deep", id)).assertExit(0);
        assertTrue(deep.stdout().contains("pg_restore read the whole dump"), deep.stdout());

        cli.run(repo.args("snapshot", "promote", id)).assertExit(0);
        JsonNode golden = JSON.readTree(cli.run(repo.args("--json", "snapshot", "list")).assertExit(0).stdout());
        assertTrue(golden.get(0).get("golden").asBoolean(), golden.toString());

        db.execute("DELETE FROM rag_chunks WHERE id % 3 = 0");
        qdrant.deletePoints("rag_main_v2", 1L, 2L, 3L);
        assertFalse(chunksBefore.equals(db.rows("SELECT count(*) || ':' || coalesce(sum(length(content)), 0) FROM rag_chunks").toString()));

        RagbackCli.Result restored = cli.run(repo.args("snapshot", "restore", "--golden", "--yes")).assertExit(0);
        assertTrue(restored.stdout().contains("verified: both stores match snapshot " + id), restored.stdout());
        assertEquals(chunksBefore, db.rows("SELECT count(*) || ':' || coalesce(sum(length(content)), 0) FROM rag_chunks").toString());
        assertEquals(pointsBefore, qdrant.pointLines("rag_main"));
        cli.run(repo.args("verify")).assertExit(0);

        // copy to the other kind of repository and back into a fresh one of this kind: verified at each end
        Repo other = repo(kind.equals("dir") ? "s3" : "dir", work.resolve("other"), bucket);
        cli.run(repo.args("snapshot", "copy", id, "--to", other.location())).assertExit(0);
        RagbackCli otherCli = RagbackCli.create().workDir(work).env(db.env()).env(other.env());
        otherCli.run(other.args("snapshot", "verify", "--deep", id)).assertExit(0);
        Repo back = repo(kind, work.resolve("back"), bucket);
        cli.run(repo.args("snapshot", "copy", id, "--from", other.location(), "--to", back.location())).assertExit(0);
        RagbackCli backCli = RagbackCli.create().workDir(work).env(db.env()).env(back.env());
        backCli.run(back.args("snapshot", "verify", id)).assertExit(0);
        cli.run(repo.args("snapshot", "copy", id, "--to", other.location())).assertExit(2);

        JsonNode second = JSON.readTree(cli.run(repo.args("--json", "snapshot", "create")).assertExit(0).stdout());
        JsonNode third = JSON.readTree(cli.run(repo.args("--json", "snapshot", "create")).assertExit(0).stdout());
        JsonNode pruned = JSON.readTree(cli.run(repo.args("--json", "snapshot", "prune", "--keep", "1", "--yes")).assertExit(0).stdout());
        assertEquals(List.of(second.get("id").asText()), ids(pruned.get("removed")), pruned.toString());
        assertEquals(List.of(third.get("id").asText(), id), ids(pruned.get("kept")), "the newest, and the golden one");
        JsonNode after = JSON.readTree(cli.run(repo.args("--json", "snapshot", "list")).assertExit(0).stdout());
        assertEquals(List.of(third.get("id").asText(), id), ids(after.findValues("id")));
        if (repo.prefix() != null) {
            assertTrue(bucket.keys(repo.prefix() + "/" + second.get("id").asText() + "/").isEmpty(), "nothing of the pruned set is left");
        }
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static List<String> ids(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }
}
