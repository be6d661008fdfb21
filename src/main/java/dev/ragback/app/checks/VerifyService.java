package dev.ragback.app.checks;

import dev.ragback.app.Background;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotConfig;
import dev.ragback.app.vectors.ConfigDiff;
import dev.ragback.app.vectors.QdrantGuard;
import dev.ragback.app.vectors.ShardCounts;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code verify}: the live stores against a set's manifest (SPEC section 5): chunks and docs per
 * model_id equal, exact points count equal, probes within the smoke rules, collection green, the
 * chunks table and every {@code rag_*} table the set recorded ({@code postgres.tables}) present.
 */
public final class VerifyService {

    /**
     * One model's counts.
     *
     * @param baseline the set's counts, or {@code null} when the set has none for this model
     * @param live     the live counts, or {@code null} when the database has none
     */
    public record CountRow(String modelId, Manifest.ModelCountEntry baseline, DatabaseProbe.ModelCount live) {
        public boolean equal() {
            return baseline != null && live != null && baseline.chunks() == live.chunks() && baseline.docs() == live.docs();
        }
    }

    /**
     * The comparison; {@code problems} is empty when the stores match the set. {@code warnings} name
     * config differences from the set (a collection restored in place keeps its own config): they do
     * not fail the check.
     */
    public record Report(String snapshotId, String collection, List<CountRow> counts, long baselinePoints, Long livePoints,
                         String status, List<ProbeComparison.Outcome> probes, List<String> problems, List<String> warnings,
                         List<ShardCheck.Row> shards) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    private final SnapshotCatalog catalog;
    private final DatabaseProbe database;
    private final VectorStore vectors;
    private final ProbeComparison rule;
    private final String collection;
    private final String chunksTable;
    private dev.ragback.app.port.ClusterNodes cluster;

    public VerifyService(SnapshotCatalog catalog, DatabaseProbe database, VectorStore vectors,
                         ProbeComparison rule, String collection, String chunksTable) {
        this.catalog = catalog;
        this.database = database;
        this.vectors = vectors;
        this.rule = rule;
        this.collection = collection;
        this.chunksTable = chunksTable;
    }

    /** On a cluster (qdrant.nodes): a set with one file per shard is also compared shard by shard. */
    public VerifyService withCluster(dev.ragback.app.port.ClusterNodes nodesOrNull) {
        this.cluster = nodesOrNull;
        return this;
    }

    /** Compares the live stores with set {@code id}, or with the newest golden set. */
    public Report verify(String id) {
        String setId = id != null ? id : catalog.newestGolden().map(BackupsDir.Entry::id).orElseThrow(() -> new RagbackException(
                RagbackException.Kind.INTEGRITY, "no golden snapshot set to verify against in " + catalog.location(),
                "name one: ragback verify --snapshot ID"));
        new QdrantGuard(vectors).requireQueryApi("verify");
        Manifest manifest = catalog.manifest(setId);
        // the database half runs beside the Qdrant half: a freshly restored table's first scan is slow
        CompletableFuture<DatabaseSide> databaseSide = Background.start("verify-database", () -> checkDatabase(manifest));
        List<String> problems = new ArrayList<>();
        String real = vectors.resolve(collection).orElse(null);
        Long livePoints = null;
        String status = "missing";
        List<ProbeComparison.Outcome> probes = List.of();
        List<String> vectorProblems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<ShardCheck.Row> shards = List.of();
        if (real == null) {
            vectorProblems.add("Qdrant has no collection or alias " + collection);
        } else {
            Optional<CollectionInfo> info = vectors.collection(real);
            status = info.map(CollectionInfo::status).orElse("missing");
            JsonNode liveConfig = info.map(CollectionInfo::config).orElse(null);
            Optional<JsonNode> setConfig = liveConfig == null ? Optional.empty()
                    : SnapshotConfig.of(manifest, catalog.setDir(setId));
            setConfig.ifPresent(config -> ConfigDiff.of(liveConfig, config, ConfigDiff.VERIFIED)
                    .forEach(difference -> warnings.add("config of " + real + " differs from the set: " + difference)));
            if (!"green".equals(status)) {
                vectorProblems.add("collection " + real + " is " + status);
            }
            livePoints = vectors.countPoints(real);
            if (livePoints != manifest.qdrant().pointsCount()) {
                vectorProblems.add("points: " + livePoints + " live, " + manifest.qdrant().pointsCount() + " in the set");
            }
            if (manifest.sharded() && cluster != null) {
                shards = ShardCheck.compare(ShardCounts.exact(cluster, real, cluster.layout(real)), manifest.qdrant().sharding().shards(),
                        vectorProblems);
            }
            probes = rule.replay(vectors, real, manifest.qdrant().vectorName(), manifest.probes());
            probes.stream().filter(p -> !p.passed()).forEach(p -> vectorProblems.add("probe " + p.pointId() + ": " + p.problem()));
        }
        DatabaseSide side = Background.join(databaseSide);
        List<CountRow> countRows = side.counts();
        if (countRows == null) {
            problems.add("table " + chunksTable + " is missing");
            countRows = List.of();
        } else {
            countRows.stream().filter(r -> !r.equal()).forEach(r -> problems.add("model " + r.modelId() + ": "
                    + describe(r.live()) + " live, " + describeBaseline(r.baseline()) + " in the set"));
        }
        side.missingTables().forEach(table -> problems.add("table " + table + " is missing"));
        problems.addAll(vectorProblems);
        return new Report(setId, real, countRows, manifest.qdrant().pointsCount(), livePoints, status, probes, problems,
                List.copyOf(warnings), shards);
    }

    /** {@code counts} is {@code null} when the chunks table is missing. */
    private record DatabaseSide(List<CountRow> counts, List<String> missingTables) {
    }

    private DatabaseSide checkDatabase(Manifest manifest) {
        List<CountRow> counts = database.tableExists(chunksTable)
                ? compareCounts(manifest.postgres().counts(), database.chunkCounts(chunksTable)) : null;
        List<String> recorded = manifest.postgres().tables();
        if (recorded == null) {
            // a set written before postgres.tables: the chunks table is all it names
            return new DatabaseSide(counts, List.of());
        }
        Set<String> live = new HashSet<>(database.tablesStartingWith(Manifest.RAG_TABLE_PREFIX));
        List<String> missing = recorded.stream().filter(table -> !table.equals(chunksTable) && !live.contains(table))
                .distinct().sorted().toList();
        return new DatabaseSide(counts, missing);
    }

    private static List<CountRow> compareCounts(List<Manifest.ModelCountEntry> baseline, List<DatabaseProbe.ModelCount> live) {
        Map<String, CountRow> rows = new LinkedHashMap<>();
        for (Manifest.ModelCountEntry entry : baseline) {
            rows.put(entry.modelId(), new CountRow(entry.modelId(), entry, null));
        }
        for (DatabaseProbe.ModelCount count : live) {
            CountRow row = rows.get(count.modelId());
            rows.put(count.modelId(), new CountRow(count.modelId(), row == null ? null : row.baseline(), count));
        }
        return List.copyOf(rows.values());
    }

    private static String describe(DatabaseProbe.ModelCount live) {
        return live == null ? "no chunks" : live.chunks() + " chunks/" + live.docs() + " docs";
    }

    private static String describeBaseline(Manifest.ModelCountEntry baseline) {
        return baseline == null ? "no chunks" : baseline.chunks() + " chunks/" + baseline.docs() + " docs";
    }
}
