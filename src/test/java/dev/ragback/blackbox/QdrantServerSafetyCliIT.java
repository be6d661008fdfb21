package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a real Qdrant does that the double used to hide (SPEC section 13), through bin/ragback: the
 * copies Qdrant keeps of uploads, cluster mode, the in-place check, versions, uploads whose answer
 * is lost, and keys that may not manage collections.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class QdrantServerSafetyCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "safety-key-31337";
    private static final String READ_ONLY_KEY = "safety-read-only-key-42";

    @TempDir
    Path work;

    private QdrantDouble qdrant;
    private RagbackCli cli;

    @BeforeEach
    void setUp(PgDatabase db) {
        db.execute("DROP TABLE IF EXISTS rag_chunks, rag_ingest_runs, schema_migrations, task_events CASCADE");
        qdrant = new QdrantDouble(KEY, READ_ONLY_KEY, 0);
        cli = RagbackCli.create().workDir(work).env(db.env()).env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", KEY);
        RagFixtures.migrate(db, "v1.0.0");
        RagFixtures.loadChunks(db, 300);
        RagFixtures.createTaskEvents(db);
        RagFixtures.loadPoints(qdrant, 300);
    }

    @AfterEach
    void tearDown() {
        qdrant.close();
    }

    private String golden() throws Exception {
        return JSON.readTree(cli.run("--json", "snapshot", "create", "--golden").assertExit(0).stdout()).get("id").asText();
    }

    private long uploads() {
        return qdrant.recoveries().stream().filter(r -> r.route().equals("upload")).count();
    }

    private void editManifest(String id, String field, Object value) throws Exception {
        Path file = work.resolve("backups").resolve(id).resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) manifest.get("qdrant")).set(field, JSON.valueToTree(value));
        Files.writeString(file, manifest.toString());
    }

    @Test
    void snapshotRestoreAndRecoverLeaveNoFileOnTheQdrantHostAndThePlanSaysWhatDiskItNeeds() throws Exception {
        String id = golden();
        assertEquals(List.of(), qdrant.snapshotFiles(), "the server-side snapshot is deleted once downloaded");
        qdrant.deletePoints("rag_main_v2", 1L, 2L);
        RagbackCli.Result restored = cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(0);
        long size = JSON.readTree(Files.readString(work.resolve("backups").resolve(id).resolve("manifest.json"))).at("/qdrant/size").asLong();
        assertTrue(restored.stdout().contains("            the Qdrant host needs about " + dev.ragback.app.Sizes.human(3 * size)
                + " free while it restores"), restored.stdout());
        assertEquals(List.of(), qdrant.snapshotFiles(), "the uploaded copy is deleted: nothing left on the Qdrant host");
        assertEquals(1, uploads());
        assertEquals("ragback-" + id + "-rag_main_v2_r" + id + ".snapshot",
                qdrant.requests().stream().filter(r -> r.method().equals("DELETE") && r.path().contains("/snapshots/ragback-"))
                        .map(r -> r.path().substring(r.path().lastIndexOf('/') + 1)).findFirst().orElse("none"));
        JsonNode json = JSON.readTree(cli.run("--json", "snapshot", "restore", "--dry-run").assertExit(0).stdout());
        assertEquals(3 * size, json.at("/plan/qdrant_peak_disk_bytes").asLong(), json.toString());

        String own = serverSnapshot("rag_main_v2_r" + id);
        cli.run("qdrant", "recover", own, "--yes").assertExit(0);
        assertEquals(List.of("rag_main_v2_r" + id + "/" + own, "rag_main_v2_r" + id + "/" + own + ".checksum"), qdrant.snapshotFiles(),
                "only the operator's own snapshot: the copy ragback uploaded back is gone, the original untouched");
    }

    private String serverSnapshot(String collection) throws Exception {
        java.net.http.HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(qdrant.url().resolve("/collections/" + collection + "/snapshots?wait=true")).header("api-key", KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(created.body()).at("/result/name").asText();
    }

    @Test
    void aCorruptArchiveIsAFinal500AndTheCopyOfACollectionNeverMadeIsStillDeleted() throws Exception {
        String id = golden();
        Path file = work.resolve("backups").resolve(id).resolve("qdrant/rag_main_v2.snapshot");
        byte[] garbage = "not a tar archive\n".repeat(500).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(file, garbage);
        editManifest(id, "size", garbage.length);
        editManifest(id, "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(garbage)));
        RagbackCli.Result failed = cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(1);
        assertTrue(failed.stderr().contains("answered 500"), failed.stderr());
        assertTrue(failed.stderr().contains("no collection rag_main_v2_r" + id + " was made, no alias was switched"), failed.stderr());
        assertEquals(1, uploads(), "a 500 is final");
        assertEquals(List.of(), qdrant.snapshotFiles(), "the copy Qdrant kept under a name no collection had is gone too");
        assertEquals(List.of("rag_main_v2"), qdrant.store().names());
        assertEquals(Map.of("rag_main", "rag_main_v2"), qdrant.store().aliases());
    }

    @Test
    void clusterModeIsRefusedByEveryCommandThatWouldChangeSomethingBeforeItDoes() throws Exception {
        String id = golden();
        String name = serverSnapshot("rag_main_v2");
        List<String> before = qdrant.pointLines("rag_main");
        Path traffic = Files.createDirectories(work.resolve("ops/state")).resolve("traffic");
        Files.writeString(traffic, "100\n");
        qdrant.clusterPeers(3);
        qdrant.clearRequests();
        for (List<String> command : List.of(List.of("snapshot", "create"), List.of("snapshot", "restore", "--yes"),
                List.of("rollback", "auto", "--reason", "manual", "--yes"), List.of("qdrant", "recover", name, "--yes"))) {
            RagbackCli.Result refused = cli.run(command.toArray(String[]::new)).assertExit(2);
            assertTrue(refused.stderr().contains("Qdrant runs in cluster mode (cluster mode, 3 peers)")
                    && refused.stderr().contains("ragback refuses"), command + ": " + refused.stderr());
            assertTrue(command.get(1).equals("recover") || refused.stderr().contains("set qdrant.nodes (QDRANT_NODES="),
                    "the refusal names what makes a cluster work: " + refused.stderr());
            assertTrue(refused.stderr().contains("a collection snapshot holds only the shards of the node that takes it"),
                    refused.stderr());
            assertFalse(refused.stderr().contains("Usage:"), "a refusal, not a usage error: " + refused.stderr());
        }
        assertTrue(qdrant.requests().stream().noneMatch(r -> !r.method().equals("GET") && !r.path().endsWith("/points/count")
                && !r.path().endsWith("/points/query") && !r.path().endsWith("/points/scroll")), "nothing changed: " + qdrant.requests());
        assertEquals("100", Files.readString(traffic).strip(), "traffic untouched: the rollback stopped at its plan");
        assertEquals(List.of(id), List.of(work.resolve("backups").toFile().list()).stream().filter(f -> !f.startsWith(".")
                && !f.equals("SHA256SUMS")).toList(), "no new set");
        assertEquals(before, qdrant.pointLines("rag_main"));

        qdrant.clusterPeers(0);
        editManifest(id, "cluster", true);
        RagbackCli.Result madeOnCluster = cli.run("snapshot", "restore", id, "--yes").assertExit(2);
        assertTrue(madeOnCluster.stderr().contains("snapshot set " + id + " was made on a Qdrant cluster"), madeOnCluster.stderr());
        assertFalse(JSON.readTree(cli.run("--json", "snapshot", "create").assertExit(0).stdout()).at("/qdrant/cluster").asBoolean(true),
                "sets record qdrant.cluster from now on");
    }

    @Test
    void inPlaceTheWholeVectorParamsAreCheckedFirstAndTheCollectionKeepsItsOwnConfig(PgDatabase db) throws Exception {
        RagbackCli inPlace = cli.env("QDRANT_COLLECTION", "rag_main_v2");
        String id = golden();
        List<String> points = qdrant.pointLines("rag_main_v2");
        qdrant.store().delete("rag_main_v2");
        qdrant.createCollectionWith("rag_main_v2", "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\",\"on_disk\":true}}");
        RagbackCli.Result refused = inPlace.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(3);
        assertTrue(refused.stderr().contains("an in-place restore of rag_main_v2 is impossible: Qdrant recovers a snapshot into an"
                + " existing collection only when the whole VectorParams and the shard_number are equal, and"
                + " params.vectors.on_disk: true live, unset in the snapshot"), refused.stderr());
        assertTrue(refused.stderr().contains("make qdrant.collection an alias"), refused.stderr());
        editManifest(id, "config", null); // a set made before qdrant.config: the archive's config.json says the same
        assertTrue(inPlace.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(3).stderr()
                .contains("params.vectors.on_disk: true live, unset in the snapshot"));
        assertEquals(0, uploads(), "nothing sent");

        qdrant.store().delete("rag_main_v2");
        qdrant.createCollectionWith("rag_main_v2", "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"hnsw_config\":{\"m\":32}}");
        RagbackCli.Result plan = inPlace.run("snapshot", "restore", "--only", "qdrant", "--dry-run").assertExit(0);
        assertTrue(plan.stdout().contains("in place: VectorParams and shard_number equal rag_main_v2's, as Qdrant requires"), plan.stdout());
        inPlace.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(0);
        assertEquals(points, qdrant.pointLines("rag_main_v2"));
        RagbackCli.Result verified = inPlace.run("verify").assertExit(0);
        assertTrue(verified.stderr().contains("warning: config of rag_main_v2 differs from the set: hnsw_config.m: 32 live,"
                + " 16 in the snapshot"), verified.stderr());
        assertEquals(List.of(), qdrant.snapshotFiles());
    }

    @Test
    void versionsBelow110AreRefusedAndSetsFromANewerQdrantToo() throws Exception {
        String id = golden();
        qdrant.serverVersion("1.9.7");
        for (String command : List.of("snapshot create", "verify")) {
            RagbackCli.Result old = cli.run(command.split(" ")).assertExit(2);
            assertTrue(old.stderr().contains("Qdrant 1.9.7 is older than 1.10.0, the oldest ragback supports for " + command),
                    old.stderr());
            assertFalse(old.stderr().contains("Usage:"), "a refusal, not a usage error: " + old.stderr());
        }
        qdrant.serverVersion("1.19.0");
        editManifest(id, "server_version", "1.20.1");
        RagbackCli.Result newer = cli.run("snapshot", "restore", "--yes").assertExit(3);
        assertTrue(newer.stderr().contains("was made by Qdrant 1.20.1, newer than the live Qdrant 1.19.0"), newer.stderr());
        editManifest(id, "server_version", "1.17.3");
        RagbackCli.Result plan = cli.run("snapshot", "restore", "--dry-run").assertExit(0);
        assertTrue(plan.stdout().contains("            warning: the set was made by Qdrant 1.17.3, 2 minor versions before the"
                + " live 1.19.0"), plan.stdout());
        assertEquals(0, uploads());
    }

    @Test
    void anUploadWhoseAnswerIsLostIsNeverSentAgainAndTheCollectionTellsWhatBecameOfIt() throws Exception {
        String id = golden();
        qdrant.deletePoints("rag_main_v2", 1L);
        qdrant.cutNextUploadsAfterBody(1, true);
        RagbackCli.Result recovered = cli.run("snapshot", "restore", "--only", "qdrant", "--yes").assertExit(0);
        assertTrue(recovered.stderr().contains("not sending it again"), recovered.stderr());
        assertTrue(recovered.stderr().contains("the upload's answer was lost, but rag_main_v2_r" + id + " is green with its 300"
                + " points"), recovered.stderr());
        assertEquals(1, uploads());
        assertEquals(Map.of("rag_main", "rag_main_v2_r" + id), qdrant.store().aliases());
        assertEquals(List.of(), qdrant.snapshotFiles());

        qdrant.clearRequests();
        qdrant.store().delete("rag_main_v2_r" + id);
        qdrant.createAlias("rag_main", "rag_main_v2");
        qdrant.cutNextUploadsAfterBody(1, false);
        RagbackCli.Result lost = cli.run("--set", "qdrant.green_timeout=2s", "snapshot", "restore", "--only", "qdrant", "--yes")
                .assertExit(1);
        assertTrue(lost.stderr().contains("after the whole file"), lost.stderr());
        assertTrue(lost.stderr().contains("is not green with 300 points after 2s (last seen: missing)"), lost.stderr());
        assertTrue(lost.stderr().contains("ragback did not send it again"), lost.stderr());
        assertEquals(1, uploads(), "never sent twice");
        assertEquals(Map.of("rag_main", "rag_main_v2"), qdrant.store().aliases());
    }

    @Test
    void aKeyThatMayNotManageCollectionsIsToldSoBeforeAnythingChangesAndAWrongKeyThatItWasRefused() throws Exception {
        golden();
        RagbackCli.Result readOnly = cli.env("QDRANT_API_KEY", READ_ONLY_KEY).run("snapshot", "restore", "--yes").assertExit(1);
        assertTrue(readOnly.stderr().contains("this API key cannot manage collections (a global manage key is needed)"),
                readOnly.stderr());
        assertFalse(readOnly.stderr().contains(READ_ONLY_KEY));
        assertEquals(0, uploads());
        RagbackCli.Result wrong = cli.env("QDRANT_API_KEY", "not-the-key").run("snapshot", "restore", "--yes").assertExit(1);
        assertTrue(wrong.stderr().contains("refused the api key (401 for "), wrong.stderr());
    }

    @Test
    void qdrantSnapshotsMarksWhatRagbackLeftAndPruneSnapshotsDeletesOnlyThat() throws Exception {
        String own = serverSnapshot("rag_main_v2");
        assertEquals(500, qdrant.upload("rag_main_v2", "ragback-20261128-031502-rag_main_v2_r1.snapshot", new byte[1024]));
        RagbackCli.Result listed = cli.run("qdrant", "snapshots").assertExit(0);
        assertTrue(listed.stdout().contains("ragback-20261128-031502-rag_main_v2_r1.snapshot"), listed.stdout());
        assertTrue(listed.stdout().contains("    left by ragback: a copy of an upload, taking disk on the Qdrant host; delete it:"
                + " ragback qdrant prune-snapshots --yes"), listed.stdout());
        JsonNode json = JSON.readTree(cli.run("--json", "qdrant", "snapshots").assertExit(0).stdout());
        assertEquals(2, json.size());
        cli.run("qdrant", "prune-snapshots", "--dry-run").assertExit(0);
        assertEquals(3, qdrant.snapshotFiles().size(), "a dry run deletes nothing");
        RagbackCli.Result pruned = cli.run("qdrant", "prune-snapshots", "--yes").assertExit(0);
        assertTrue(pruned.stdout().contains("deleted 1 file(s), 1.0 KiB freed on the Qdrant host"), pruned.stdout());
        assertEquals(List.of("rag_main_v2/" + own, "rag_main_v2/" + own + ".checksum"), qdrant.snapshotFiles());
    }
}
