package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.files.TarArchive;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.restore.RestorePlan;
import dev.ragback.app.restore.RestoreService;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotCreator;
import dev.ragback.app.snapshot.SnapshotSettings;
import dev.ragback.app.snapshot.SnapshotVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ragback's Qdrant half against the real {@code qdrant/qdrant} image: the whole round trip (snapshot
 * create, damage, restore through an alias and in place, verify, nothing left on the server), and one
 * assertion for each behaviour the Qdrant double copies from the real server (SPEC section 13), so the
 * day they differ, CI says so. Runs where Docker runs (CI), skipped elsewhere. The image is
 * {@code -Dragback.qdrant.image} or {@code RAGBACK_QDRANT_IMAGE} (CI's matrix), else v1.19.0; every test
 * uses collections of its own, so they run in any order against one container.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantContainerTest {
    private static final String IMAGE = System.getProperty("ragback.qdrant.image",
            Optional.ofNullable(System.getenv("RAGBACK_QDRANT_IMAGE")).orElse("qdrant/qdrant:v1.19.0"));
    private static final String KEY = "container-api-key-of-at-least-32-bytes";
    private static final String READ_ONLY_KEY = "container-read-only-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Container
    private static final QdrantContainer QDRANT = new QdrantContainer(IMAGE).withApiKey(KEY)
            .withEnv("QDRANT__SERVICE__READ_ONLY_API_KEY", READ_ONLY_KEY)
            .withEnv("QDRANT__SERVICE__JWT_RBAC", "true");

    @TempDir
    Path dir;

    private static URI url() {
        return URI.create("http://" + QDRANT.getHost() + ":" + QDRANT.getMappedPort(6333));
    }

    private static QdrantRestVectorStore store(String key) {
        return new QdrantRestVectorStore(url(), key, Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A collection of 4-dimensional points with payloads, behind an alias when {@code alias} is not null. */
    private static void collection(String name, String alias, int points) throws Exception {
        ok(send("PUT", "/collections/" + name, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"}}", KEY));
        StringBuilder batch = new StringBuilder("{\"points\":[");
        for (int id = 1; id <= points; id++) {
            batch.append(id == 1 ? "" : ",").append("{\"id\":").append(id).append(",\"vector\":[").append(id % 7 + 0.5)
                    .append(",").append(id % 11).append(",").append(id % 13).append(",1],\"payload\":{\"uri\":\"doc://")
                    .append(id / 8).append("\"}}");
        }
        ok(send("PUT", "/collections/" + name + "/points?wait=true", batch.append("]}").toString(), KEY));
        if (alias != null) {
            ok(send("POST", "/collections/aliases", "{\"actions\":[{\"create_alias\":{\"collection_name\":\"" + name
                    + "\",\"alias_name\":\"" + alias + "\"}}]}", KEY));
        }
    }

    private static HttpResponse<String> send(String method, String path, String json, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url().resolve(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("api-key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(String urlName, String fileName, byte[] content, String query, String key)
            throws Exception {
        String boundary = "ragback-" + UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(url().resolve("/collections/" + urlName + "/snapshots/upload?" + query))
                .header("api-key", key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\";"
                                + " filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
                        HttpRequest.BodyPublishers.ofByteArray(content),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    private static String error(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), response.headers().map().toString());
        return JSON.readTree(response.body()).at("/status/error").asText();
    }

    /** Files under the container's snapshots directory for {@code urlName}: what the API may not show. */
    private static List<String> filesOnTheHost(String urlName) throws Exception {
        var ls = QDRANT.execInContainer("sh", "-c", "ls -1 /qdrant/snapshots/" + urlName + " 2>/dev/null || true");
        return ls.getStdout().lines().filter(l -> !l.isBlank()).toList();
    }

    /** A server-made snapshot of {@code collection}, downloaded, and deleted on the server. */
    private Path snapshotFile(String collection) throws Exception {
        SnapshotInfo info = store(KEY).createSnapshot(collection);
        Path file = dir.resolve(UUID.randomUUID() + ".snapshot");
        store(KEY).downloadSnapshot(collection, info.name(), file, "s", n -> { });
        store(KEY).deleteSnapshot(collection, info.name());
        return file;
    }

    // --- the round trip, through ragback's use cases (PostgreSQL is an in-memory fake here) ---

    private record Setup(BackupsDir backups, FakeDumpTool dumpTool, FakeDatabaseProbe database, SnapshotSettings settings) {
    }

    private Setup setup(String configured) {
        FakeDatabaseProbe database = new FakeDatabaseProbe();
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
        return new Setup(new BackupsDir(dir.resolve("backups")), new FakeDumpTool(), database, new SnapshotSettings(configured,
                null, 3, 5, "rag_chunks", new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, url().toString(),
                "ragdb"));
    }

    private static dev.ragback.app.snapshot.Manifest createSet(Setup s) {
        return new SnapshotCreator(s.backups(),
                new SnapshotCreator.Sources(store(KEY), s.database(), s.dumpTool(), List::of, null), s.settings(), "0.1.0",
                Clock.systemUTC()).create(null, true, Progress.NONE).manifest();
    }

    private RestoreService restore(Setup s, String configured) throws Exception {
        Path matrix = Files.writeString(dir.resolve("matrix.md"), "| Binary Version | Schema Version | Qdrant Collection | Status |\n"
                + "|---|---|---|---|\n");
        SnapshotVerifier verifier = new SnapshotVerifier(s.backups(), s.dumpTool());
        return new RestoreService(new RestoreService.Sets(s.backups(), verifier,
                new SnapshotCatalog(s.backups(), verifier, Clock.systemUTC())),
                new RestoreService.Live(List::of, s.dumpTool(), store(KEY), null, new CompatService(matrix)),
                new RestoreService.Settings(configured, 1, Duration.ofMinutes(2), new ProbeComparison(0.8, 0.05)));
    }

    private VerifyService verify(Setup s, String configured) {
        SnapshotVerifier verifier = new SnapshotVerifier(s.backups(), s.dumpTool());
        return new VerifyService(new SnapshotCatalog(s.backups(), verifier, Clock.systemUTC()), s.database(),
                store(KEY), new ProbeComparison(0.8, 0.05), configured, "rag_chunks");
    }

    @Test
    void roundTripThroughAnAliasLeavesNoSnapshotFileAndVerifies() throws Exception {
        String source = unique("rag_v");
        String alias = unique("rag_main");
        collection(source, alias, 300);
        Setup s = setup(alias);
        var manifest = createSet(s);
        assertFalse(manifest.qdrant().cluster(), "a single node");
        assertEquals(4, manifest.qdrant().config().at("/params/vectors/size").asInt(), "the whole config recorded");
        assertEquals(List.of(), store(KEY).snapshots(source), "the server-side snapshot is deleted once downloaded");

        ok(send("POST", "/collections/" + source + "/points/delete?wait=true", "{\"points\":[1,2,3,4,5]}", KEY));
        assertFalse(verify(s, alias).verify(manifest.id()).passed(), "the damage shows");

        RestoreService service = restore(s, alias);
        RestorePlan plan = service.plan(manifest.id(), RestoreService.Only.QDRANT);
        assertFalse(plan.qdrantInPlace());
        service.execute(plan, Progress.NONE);
        String target = plan.qdrantTarget();
        assertEquals(Optional.of(target), store(KEY).resolveAlias(alias), "the alias points at the restored collection");
        VerifyService.Report report = verify(s, alias).verify(manifest.id());
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(List.of(), report.warnings(), "a new collection takes the snapshot's config");
        assertEquals(List.of(), store(KEY).snapshots(target), "no copy of the upload on the target");
        assertEquals(List.of(), store(KEY).snapshots(source), "nothing on the source either");
        assertEquals(List.of(), filesOnTheHost(target), "nothing at all in the target's snapshot directory");
    }

    @Test
    void inPlaceRestoreChecksVectorParamsAndKeepsTheCollectionsOwnConfig() throws Exception {
        String name = unique("rag_plain");
        collection(name, null, 200);
        Setup s = setup(name);
        String id = createSet(s).id();

        ok(send("DELETE", "/collections/" + name, null, KEY));
        ok(send("PUT", "/collections/" + name, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\",\"on_disk\":true}}", KEY));
        RagbackException refused = assertThrows(RagbackException.class, () -> restore(s, name).plan(id, RestoreService.Only.QDRANT));
        assertEquals(RagbackException.Kind.GATE, refused.kind());
        assertTrue(refused.getMessage().contains("params.vectors.on_disk: true live, unset in the snapshot"), refused.getMessage());

        ok(send("DELETE", "/collections/" + name, null, KEY));
        ok(send("PUT", "/collections/" + name, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"hnsw_config\":{\"m\":32}}", KEY));
        RestoreService service = restore(s, name);
        RestorePlan plan = service.plan(id, RestoreService.Only.QDRANT);
        assertTrue(plan.qdrantInPlace());
        service.execute(plan, Progress.NONE);
        assertEquals(200L, store(KEY).countPoints(name));
        VerifyService.Report report = verify(s, name).verify(id);
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(List.of("config of " + name + " differs from the set: hnsw_config.m: 32 live, 16 in the snapshot"),
                report.warnings(), "the collection kept its own hnsw m");
        assertEquals(List.of(), filesOnTheHost(name));
    }

    @Test
    void aReadOnlyKeyIsToldItCannotManageCollectionsAndACollectionScopedOneCannotTellTheClusterStatus() throws Exception {
        String name = unique("rag_keys");
        collection(name, null, 10);
        Path file = snapshotFile(name);
        RagbackException readOnly = assertThrows(RagbackException.class,
                () -> store(READ_ONLY_KEY).uploadSnapshot(name, file, sha256(file), "ragback-x.snapshot", n -> { }));
        assertTrue(readOnly.getMessage().contains("this API key cannot manage collections (a global manage key is needed)"),
                readOnly.getMessage());
        assertThrows(RagbackException.class, () -> store(READ_ONLY_KEY).checkManageAccess());
        store(KEY).checkManageAccess();
        assertEquals(ClusterStatus.Mode.SINGLE_NODE, store(READ_ONLY_KEY).clusterStatus().mode(), "global read access may ask");
        String scoped = jwt("{\"access\":[{\"collection\":\"" + name + "\",\"access\":\"rw\"}]}");
        assertEquals(ClusterStatus.Mode.UNKNOWN, store(scoped).clusterStatus().mode(), "GET /cluster needs global access");
        RagbackException scopedUpload = assertThrows(RagbackException.class,
                () -> store(scoped).uploadSnapshot(name, file, sha256(file), "ragback-x.snapshot", n -> { }));
        assertTrue(scopedUpload.getMessage().contains("this API key cannot manage collections"), scopedUpload.getMessage());
        RagbackException wrong = assertThrows(RagbackException.class, () -> store("wrong-key").collectionNames());
        assertTrue(wrong.getMessage().contains("refused the api key"), wrong.getMessage());
    }

    // --- one assertion for each behaviour the double copies ---

    @Test
    void anUploadIsKeptUnderTheNameInTheUrlListedWithoutAChecksumAndAnAliasUrlHidesIt() throws Exception {
        String name = unique("rag_keep");
        String alias = unique("rag_keep_alias");
        collection(name, alias, 10);
        Path file = snapshotFile(name);
        byte[] bytes = Files.readAllBytes(file);
        String target = unique("rag_keep_r");
        ok(upload(target, "ragback-1-" + target + ".snapshot", bytes, "wait=true&priority=snapshot", KEY));
        JsonNode listed = JSON.readTree(ok(send("GET", "/collections/" + target + "/snapshots", null, KEY)).body()).at("/result");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals("ragback-1-" + target + ".snapshot", listed.get(0).get("name").asText(), "kept under the part's file name");
        assertFalse(listed.get(0).has("checksum"), "an upload is listed without a checksum member: " + listed);
        assertTrue(store(KEY).createSnapshot(name).checksum().matches("[0-9a-f]{64}"), "a server-made one has it");

        ok(upload(alias, "via-alias.snapshot", bytes, "priority=snapshot", KEY));
        assertEquals(List.of("via-alias.snapshot"), filesOnTheHost(alias), "kept under the alias name in the URL");
        assertFalse(store(KEY).snapshots(alias).stream().anyMatch(s -> s.name().equals("via-alias.snapshot")),
                "listing through the alias looks in the collection's directory");
        assertEquals(404, send("DELETE", "/collections/" + alias + "/snapshots/via-alias.snapshot", null, KEY).statusCode());
    }

    @Test
    void aGarbageArchiveIs500AndItsCopyOutlivesACollectionThatWasNeverMade() throws Exception {
        String target = unique("rag_garbage");
        byte[] garbage = "not a tar archive\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> failed = upload(target, "ragback-1-" + target + ".snapshot", garbage, "priority=snapshot", KEY);
        assertEquals(500, failed.statusCode(), failed.body());
        assertFalse(store(KEY).collectionExists(target));
        assertEquals(List.of("ragback-1-" + target + ".snapshot"), filesOnTheHost(target));
        store(KEY).createPlaceholderCollection(target);
        store(KEY).deleteSnapshot(target, "ragback-1-" + target + ".snapshot");
        store(KEY).deleteCollection(target);
        assertEquals(List.of(), filesOnTheHost(target), "a collection of that name reaches the file through the API");
    }

    @Test
    void theArchiveHoldsConfigJsonAndVersionInfoAndTheRecoveryChecksTheWholeVectorParams() throws Exception {
        String name = unique("rag_tar");
        collection(name, null, 10);
        Path file = snapshotFile(name);
        List<String> entries = TarArchive.entries(file).stream().map(TarArchive.Entry::name).toList();
        assertTrue(entries.containsAll(List.of("config.json", "version.info")), entries.toString());
        assertEquals("0.4.2", new String(TarArchive.read(file, "version.info", 64).orElseThrow(), StandardCharsets.US_ASCII).strip(),
                "the collection storage version, not the server's");
        JsonNode config = JSON.readTree(TarArchive.read(file, "config.json", 1 << 20).orElseThrow());
        CollectionInfo live = store(KEY).collection(name).orElseThrow();
        assertEquals(live.config().get("params"), config.get("params"), "GET and config.json hold the same params");

        String onDisk = unique("rag_on_disk");
        ok(send("PUT", "/collections/" + onDisk, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\",\"on_disk\":true}}", KEY));
        HttpResponse<String> incompatible = upload(onDisk, "x.snapshot", Files.readAllBytes(file), "priority=snapshot", KEY);
        assertEquals(400, incompatible.statusCode());
        assertTrue(error(incompatible).startsWith("Wrong input: Snapshot is not compatible with existing collection: Collection vectors:"));
        String sharded = unique("rag_sharded");
        ok(send("PUT", "/collections/" + sharded, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":3}", KEY));
        assertTrue(error(upload(sharded, "x.snapshot", Files.readAllBytes(file), "priority=snapshot", KEY))
                .contains("Collection shard number: 3 Snapshot shard number: 1"));
        String ownHnsw = unique("rag_hnsw");
        ok(send("PUT", "/collections/" + ownHnsw, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"hnsw_config\":{\"m\":48}}", KEY));
        ok(upload(ownHnsw, "x.snapshot", Files.readAllBytes(file), "priority=snapshot", KEY));
        assertEquals(48, store(KEY).collection(ownHnsw).orElseThrow().config().at("/hnsw_config/m").asInt(), "keeps its own config");
        assertEquals(10L, store(KEY).countPoints(ownHnsw));
    }

    @Test
    void aliasesCollectionsStatusesAndErrorsAsTheDoubleAnswersThem() throws Exception {
        String name = unique("rag_alias");
        collection(name, null, 1);
        assertTrue(JSON.readTree(ok(send("POST", "/collections/aliases",
                "{\"actions\":[{\"delete_alias\":{\"alias_name\":\"" + unique("ghost") + "\"}}]}", KEY)).body()).get("result").asBoolean(),
                "deleting a missing alias is 200");
        HttpResponse<String> taken = send("POST", "/collections/aliases", "{\"actions\":[{\"create_alias\":{\"collection_name\":\""
                + name + "\",\"alias_name\":\"" + name + "\"}}]}", KEY);
        assertEquals(409, taken.statusCode(), "an alias named like a collection: " + taken.body());
        assertEquals(409, send("PUT", "/collections/" + name, "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"}}", KEY).statusCode());

        HttpResponse<String> missing = send("GET", "/collections/" + name + "/snapshots/nope.snapshot", null, KEY);
        assertEquals(404, missing.statusCode());
        assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), "a download 404 is plain text");
        assertEquals(404, send("DELETE", "/collections/" + name + "/snapshots/nope.snapshot", null, KEY).statusCode());

        assertEquals(400, upload(name, "x.snapshot", new byte[10], "priority=whenever", KEY).statusCode(), "unknown priority");
        assertEquals(400, upload(name, "x.snapshot", new byte[10], "checksum=" + "0".repeat(64), KEY).statusCode(),
                "checksum mismatch");
        HttpResponse<String> later = send("POST", "/collections/" + name + "/snapshots?wait=false", null, KEY);
        assertEquals(202, later.statusCode(), later.body());
        assertFalse(JSON.readTree(later.body()).has("result"), "no job id");

        assertTrue(store(KEY).collectionExists(name));
        assertFalse(store(KEY).collectionExists(unique("nope")));
        assertEquals(ClusterStatus.singleNode(), store(KEY).clusterStatus(), "GET /cluster: disabled on a single node");
        assertEquals(IMAGE.replaceFirst(".*:v", ""), store(null).serverVersion(), "GET / is open and names the version");
        assertTrue(store(null).ready());
        RagbackException noKey = assertThrows(RagbackException.class, () -> store(null).collectionNames());
        // older servers answer 403 where newer ones answer 401; both are "no valid key"
        assertTrue(noKey.getMessage().matches(".*\\(40[13] for GET /collections\\).*"), noKey.getMessage());
        HttpResponse<String> readOnly = send("POST", "/collections/aliases", "{\"actions\":[]}", READ_ONLY_KEY);
        assertEquals(403, readOnly.statusCode());
        assertTrue(error(readOnly).startsWith("Forbidden: "), "a permission check answers the JSON envelope");
        HttpResponse<String> wrong = send("GET", "/collections", null, "wrong-key");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("Content-Type").map(t -> !t.startsWith("application/json")).orElse(true),
                "the auth layer answers plain text");
    }

    @Test
    void withWaitFalseTheServerGoesOnWithoutItsClient() throws Exception {
        String name = unique("rag_async");
        collection(name, null, 20);
        Path file = snapshotFile(name);
        String target = unique("rag_async_r");
        HttpResponse<String> accepted = upload(target, "a.snapshot", Files.readAllBytes(file), "wait=false&priority=snapshot", KEY);
        assertEquals(202, accepted.statusCode(), accepted.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(store(KEY).collectionExists(target) && store(KEY).collection(target).map(CollectionInfo::green).orElse(false)
                && store(KEY).countPoints(target) == 20)) {
            assertTrue(System.nanoTime() < deadline, "the recovery never finished");
            Thread.sleep(200);
        }
    }

    @Test
    void collectionInfoAndAliasResolutionAsTheAdapterReadsThem() throws Exception {
        String name = unique("rag_info");
        String alias = unique("rag_info_alias");
        collection(name, alias, 3);
        QdrantRestVectorStore store = store(KEY);
        assertTrue(store.collectionNames().contains(name));
        CollectionInfo info = store.collection(name).orElseThrow();
        assertEquals(List.of(new CollectionInfo.VectorParams("", 4, "Cosine")), info.vectors());
        assertEquals(1, info.config().at("/params/shard_number").asInt());
        assertEquals(Optional.empty(), store.collection(unique("missing")));
        assertEquals(Optional.of(name), store.resolve(alias));
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** An HS256 token signed with the api key, as Qdrant's JWT RBAC reads it. */
    private static String jwt(String claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return unsigned + "." + b64.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.UTF_8)));
    }
}
