package dev.ragback.app.restore;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.compat.Triple;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;
import dev.ragback.app.snapshot.SnapshotVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code snapshot restore}: verify, plan, then both stores restored in parallel (SPEC section 5). */
public final class RestoreService {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

    /** Which stores to restore. */
    public enum Only { BOTH, QDRANT, POSTGRES }

    /**
     * What was done, per store.
     *
     * @param postgresMillis time of the database half, or -1 when skipped
     * @param qdrantMillis   time of the vector half, or -1 when skipped
     */
    public record Restored(RestorePlan plan, long postgresMillis, long postgresBytes, long qdrantMillis, long qdrantBytes) {
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
    private dev.ragback.app.snapshot.ObjectSets remote;

    public RestoreService(BackupsDir backups, SnapshotVerifier verifier, SnapshotCatalog catalog, AppliedMigrations migrations,
                          DumpTool dumpTool, VectorStore vectors, ReleaseSwitch releases, CompatService compat,
                          String configuredCollection, int jobs, Duration greenTimeout) {
        this.backups = backups;
        this.verifier = verifier;
        this.catalog = catalog;
        this.migrations = migrations;
        this.dumpTool = dumpTool;
        this.vectors = vectors;
        this.releases = releases;
        this.compat = compat;
        this.configuredCollection = configuredCollection;
        this.jobs = jobs;
        this.greenTimeout = greenTimeout;
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
        SnapshotVerifier.SetCheck check = verifier.verify(id, false);
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
        String target = null;
        List<String> aliases = List.of();
        String previous = null;
        if (qdrant) {
            Optional<String> aliasTarget = vectors.resolveAlias(configuredCollection);
            boolean aliasMode = aliasTarget.isPresent() || manifest.qdrant().aliases().stream()
                    .anyMatch(a -> a.aliasName().equals(configuredCollection));
            if (aliasMode) {
                target = Triple.matrixCollection(manifest.qdrant().collection()) + "_r" + manifest.id();
                Set<String> names = new LinkedHashSet<>();
                names.add(configuredCollection);
                manifest.qdrant().aliases().forEach(a -> names.add(a.aliasName()));
                aliases = List.copyOf(names);
                previous = aliasTarget.orElse(null);
            } else {
                target = configuredCollection;
                aliases = manifest.qdrant().aliases().stream().map(Manifest.AliasEntry::aliasName).distinct().toList();
            }
        }
        boolean inPlace = qdrant && configuredCollection.equals(target);
        return new RestorePlan(manifest, postgres, qdrant, liveSchema, downChain, postgres && manifest.postgres().format()
                .equals("directory") && jobs > 1, target, inPlace, aliases, previous, compatOf(manifest));
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

    /** Restores both halves in parallel; the first failure is thrown once both have stopped. */
    public Restored execute(RestorePlan plan, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "restore-" + plan.id());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<long[]> postgres = pool.submit(() -> plan.postgres()
                    ? new PostgresRestore(backups, dumpTool, jobs).restore(plan, progress) : new long[] {-1, 0});
            Future<long[]> qdrant = pool.submit(() -> plan.qdrant()
                    ? new QdrantRestore(backups, vectors, greenTimeout).restore(plan, progress) : new long[] {-1, 0});
            RuntimeException failure = null;
            long[] p = null;
            long[] q = null;
            try {
                p = postgres.get();
            } catch (ExecutionException e) {
                failure = unwrap(e);
            }
            try {
                q = qdrant.get();
            } catch (ExecutionException e) {
                failure = failure == null ? unwrap(e) : failure;
            }
            if (failure != null) {
                throw halfDone(plan, failure, p != null && plan.postgres(), q != null && plan.qdrant());
            }
            return new Restored(plan, p[0], p[1], q[0], q[1]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "restore interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /** One store restored, the other not: say which, so nobody believes both are as before (or both restored). */
    static RuntimeException halfDone(RestorePlan plan, RuntimeException failure, boolean postgresDone, boolean qdrantDone) {
        if (!(failure instanceof RagbackException known) || postgresDone == qdrantDone) {
            return failure;
        }
        String done = postgresDone ? "PostgreSQL was restored from " + plan.id()
                : "Qdrant was restored from " + plan.id() + " into " + plan.qdrantTarget();
        return new RagbackException(known.kind(), known.getMessage() + " (" + done + ")", known.hint(), known);
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        return cause instanceof RuntimeException r ? r : RagbackException.external("restore failed: " + cause.getMessage(), null, cause);
    }
}
