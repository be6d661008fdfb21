package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.compat.Triple;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.ClusterNodes;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.app.vectors.AliasSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code snapshot restore}: verify, plan, then both stores restored in two phases, prepared in parallel (SPEC section 5; issue 19). */
public final class RestoreService {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

    /** Which stores to restore. */
    public enum Only { BOTH, QDRANT, POSTGRES }

    /**
     * What was done, per store.
     *
     * @param postgresMillis time of the database half, or -1 when skipped
     * @param qdrantMillis   time of the vector half, or -1 when skipped
     * @param commitWindowMillis from the PostgreSQL COMMIT to the alias switch: the time the stores disagreed
     * @param interruptedAfterCommit an interrupt came during the commit, which was finished first
     */
    public record Restored(RestorePlan plan, long postgresMillis, long postgresBytes, long qdrantMillis, long qdrantBytes,
                           long commitWindowMillis, boolean interruptedAfterCommit) {
    }

    private final BackupsDir backups;
    private final SnapshotVerifier verifier;
    private final SnapshotCatalog catalog;
    private final AppliedMigrations migrations;
    private final DumpTool dumpTool;
    private final VectorStore vectors;
    private final ReleaseSwitch releases;
    private final CompatService compat;
    private final String configuredCollection;
    private final int jobs;
    private final Duration greenTimeout;
    private final ProbeComparison probeRule;
    private ClusterNodes cluster;
    private int parallelShards = 1;
    private Duration replicasTimeout = Duration.ofMinutes(5);
    private dev.ragback.app.snapshot.ObjectSets remote;

    /** The sets: where they are, how they are verified, and the catalog that picks the golden one. */
    public record Sets(BackupsDir backups, SnapshotVerifier verifier, SnapshotCatalog catalog) {
    }

    /** The live systems a restore reads and changes; {@code releases} may be {@code null} (no release.dir). */
    public record Live(AppliedMigrations migrations, DumpTool dumpTool, VectorStore vectors, ReleaseSwitch releases,
                       CompatService compat) {
    }

    /**
     * @param configuredCollection qdrant.collection (an alias or a collection)
     * @param jobs                 pg_restore's parallel jobs
     * @param greenTimeout         how long a restored collection may take to turn green
     * @param probeRule            how the new collection's answers to the set's golden probes are judged before the commit
     */
    public record Settings(String configuredCollection, int jobs, Duration greenTimeout, ProbeComparison probeRule) {
    }

    public RestoreService(Sets sets, Live live, Settings settings) {
        this.backups = sets.backups();
        this.verifier = sets.verifier();
        this.catalog = sets.catalog();
        this.migrations = live.migrations();
        this.dumpTool = live.dumpTool();
        this.vectors = live.vectors();
        this.releases = live.releases();
        this.compat = live.compat();
        this.configuredCollection = settings.configuredCollection();
        this.jobs = settings.jobs();
        this.greenTimeout = settings.greenTimeout();
        this.probeRule = settings.probeRule();
    }

    /** On a Qdrant cluster (qdrant.nodes): sets with one file per shard restore shard by shard into a new collection. */
    public RestoreService withCluster(ClusterNodes nodes, int shardsAtOnce, Duration replicasWait) {
        this.cluster = nodes;
        this.parallelShards = shardsAtOnce;
        this.replicasTimeout = replicasWait;
        return this;
    }

    /**
     * Restores sets of an object store: {@link #plan} first downloads the set into the backups dir
     * given (a staging dir), hashing it, and fails INTEGRITY on any damage before anything is restored.
     */
    public RestoreService stagingFrom(dev.ragback.app.snapshot.ObjectSets remote) {
        this.remote = remote;
        return this;
    }

    /** The set to restore: {@code id}, or the newest golden one. */
    public String pick(String id) {
        if (id != null) {
            return id;
        }
        return catalog.newestGolden().map(BackupsDir.Entry::id).orElseThrow(() -> new RagbackException(
                RagbackException.Kind.INTEGRITY, "no golden snapshot set in " + catalog.location(),
                "mark one: ragback snapshot promote ID (see: ragback snapshot list), or name one: ragback snapshot restore ID"));
    }

    /** Verifies the set (exit 5 on any damage, nothing touched) and works out what will happen. */
    public RestorePlan plan(String id, Only only) {
        if (remote != null) {
            List<SnapshotVerifier.FileCheck> damaged = remote.stage(id, backups, bytes -> { });
            if (!damaged.isEmpty()) {
                throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot set " + id + " in " + remote.location()
                        + " does not verify: " + damaged.stream().map(f -> f.path() + ": " + f.problem())
                        .collect(java.util.stream.Collectors.joining("; ")), "nothing was restored; pick another set: ragback snapshot list");
            }
        }
        SnapshotVerifier.SetCheck check = verifier.verify(id, false, only != Only.POSTGRES, only != Only.QDRANT);
        if (!check.ok()) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot set " + id + " does not verify: "
                    + String.join("; ", check.problems()), "nothing was restored; pick another set: ragback snapshot list");
        }
        Manifest manifest = check.manifest();
        boolean postgres = only != Only.QDRANT;
        boolean qdrant = only != Only.POSTGRES;
        String liveSchema = null;
        List<RestorePlan.DownStep> downChain = new ArrayList<>();
        if (postgres) {
            List<AppliedMigrations.Applied> applied = migrations.applied();
            liveSchema = current(applied);
            for (int i = applied.size() - 1; i >= 0; i--) {
                AppliedMigrations.Applied row = applied.get(i);
                if (row.dirty()) {
                    continue; // its up.sql failed and was rolled back: there is nothing for its down.sql to undo
                }
                if (manifest.schemaVersion() == null || Versions.SEMANTIC.compare(row.version(), manifest.schemaVersion()) > 0) {
                    if (manifest.schemaVersion() == null && manifest.migrations().stream().anyMatch(m -> m.version().equals(row.version()))) {
                        continue;
                    }
                    downChain.add(new RestorePlan.DownStep(row.version(), row.downSql()));
                }
            }
        }
        QdrantTarget target = qdrant ? QdrantTarget.choose(configuredCollection, vectors.resolveAlias(configuredCollection),
                manifest, liveNames()) : null;
        boolean inPlace = target != null && target.inPlace();
        String targetName = target == null ? null : target.collection();
        QdrantPreflight.Findings findings = qdrant
                ? new QdrantPreflight(vectors, cluster != null).check(manifest, backups.existing(id), targetName, inPlace)
                : new QdrantPreflight.Findings(List.of(), 0);
        return new RestorePlan(manifest, postgres, qdrant, liveSchema, downChain, postgres && manifest.postgres().format()
                .equals("directory") && jobs > 1, targetName, inPlace, target == null ? List.of() : target.aliasesToSwitch(),
                target == null ? null : target.previousCollection(), compatOf(manifest), findings.notes(),
                findings.peakDiskBytes());
    }

    private QdrantTarget.LiveNames liveNames() {
        return new QdrantTarget.LiveNames() {
            @Override
            public boolean collectionNamed(String name) {
                return vectors.collection(name).isPresent();
            }

            @Override
            public Set<String> taken() {
                Set<String> taken = new HashSet<>(vectors.collectionNames());
                vectors.aliases().forEach(a -> taken.add(a.aliasName()));
                return taken;
            }
        };
    }

    private static String current(List<AppliedMigrations.Applied> applied) {
        for (int i = applied.size() - 1; i >= 0; i--) {
            if (!applied.get(i).dirty()) {
                return applied.get(i).version();
            }
        }
        return null;
    }

    private CompatVerdict compatOf(Manifest manifest) {
        try {
            String binary = releases == null ? null : releases.current().orElse(manifest.binaryVersion());
            if (binary == null || manifest.schemaVersion() == null) {
                return null;
            }
            return compat.check(new Triple(binary, manifest.schemaVersion(), manifest.qdrant().collection()));
        } catch (RagbackException e) {
            LOG.warn("compat status unknown: {}", e.getMessage());
            return null;
        }
    }

    /** Restores both stores in two phases: both or neither where the plan allows (see {@link TwoPhaseRestore}). */
    public Restored execute(RestorePlan plan, Progress progress, RestoreJournal journal) {
        return new TwoPhaseRestore(new PostgresRestore(backups, dumpTool, jobs), new QdrantRestore(backups, vectors, greenTimeout, probeRule,
                cluster == null ? null : new ShardedLoad(cluster, vectors, parallelShards, replicasTimeout)),
                journal).run(plan, progress);
    }

    public Restored execute(RestorePlan plan, Progress progress) {
        return execute(plan, progress, RestoreJournal.NONE);
    }

    /**
     * An earlier attempt committed PostgreSQL into {@code collection}'s restore: points the plan's aliases at
     * {@code collection} (a no-op when they are there already). True when an alias moved.
     */
    public boolean finishCommitted(RestorePlan plan, String collection) {
        AliasSwitch aliases = new AliasSwitch(vectors);
        boolean moved = aliases.current(plan.aliasesToSwitch()).values().stream().anyMatch(c -> !collection.equals(c));
        aliases.pointAt(plan.aliasesToSwitch(), collection);
        return moved;
    }

    /** Deletes a collection an earlier, killed attempt was preparing, unless an alias points at it. What was done, or null. */
    public String discardUnfinished(String collection) {
        if (!vectors.collectionExists(collection) || vectors.aliases().stream().anyMatch(a -> a.collectionName().equals(collection))) {
            return null;
        }
        vectors.deleteCollection(collection);
        return "deleted " + collection + ", left by an earlier attempt killed during prepare";
    }
}
