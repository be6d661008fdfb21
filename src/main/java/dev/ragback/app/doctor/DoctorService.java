package dev.ragback.app.doctor;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Sizes;
import dev.ragback.app.Versions;
import dev.ragback.app.compat.CompatMatrix;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ClusterStatus;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.vectors.CollectionsOverview;
import dev.ragback.app.snapshot.ManifestSignature;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Checks that everything ragback needs is there and healthy. Checks run in parallel. */
public final class DoctorService {

    /**
     * What doctor looks at.
     *
     * @param vectors    the vector store
     * @param collection the configured collection or alias
     * @param postgres   the RAG database
     * @param taskDb     the database holding task_events
     * @param dumpTool   pg_dump / pg_restore
     * @param compat     the compatibility matrix
     * @param backups    the backups directory check
     * @param signing    the manifest signing key, or none
     * @param judge      eval.mode judge's RAG service and judge endpoint; {@code null} in command mode
     */
    public record Subjects(VectorStore vectors, String collection, DatabaseProbe postgres, DatabaseProbe taskDb,
                           DumpTool dumpTool, CompatService compat, BackupsDirCheck backups, ManifestSignature signing,
                           JudgeChecks judge, dev.ragback.app.vectors.ShardsOverview shards) {
        /** Without a cluster's peers (qdrant.nodes unset). */
        public Subjects(VectorStore vectors, String collection, DatabaseProbe postgres, DatabaseProbe taskDb, DumpTool dumpTool,
                        CompatService compat, BackupsDirCheck backups, ManifestSignature signing, JudgeChecks judge) {
            this(vectors, collection, postgres, taskDb, dumpTool, compat, backups, signing, judge, null);
        }
    }

    private final Subjects subjects;
    private final RollbackReadiness readiness;

    public DoctorService(Subjects subjects) {
        this(subjects, null);
    }

    /** Also checks what rollback auto needs ({@code readiness}), when not null. */
    public DoctorService(Subjects subjects, RollbackReadiness readiness) {
        this.subjects = subjects;
        this.readiness = readiness;
    }

    public DoctorReport run() {
        ExecutorService pool = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "doctor");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<ServerVersion> serverVersion = CompletableFuture.supplyAsync(this::serverVersion, pool);
            CompletableFuture<CheckResult> postgres = serverVersion.thenApply(this::postgresCheck);
            CompletableFuture<CheckResult> tools = serverVersion.thenApplyAsync(v -> toolsCheck(v.version()), pool);
            CompletableFuture<CheckResult> taskDb = async(pool, this::taskDbCheck);
            CompletableFuture<CheckResult> qdrant = async(pool, this::qdrantCheck);
            CompletableFuture<CheckResult> qdrantFiles = async(pool, this::qdrantFilesCheck);
            CompletableFuture<CheckResult> collection = async(pool, this::collectionCheck);
            CompletableFuture<CheckResult> backups = async(pool, subjects.backups()::check);
            CompletableFuture<CheckResult> matrix = async(pool, this::matrixCheck);
            CompletableFuture<List<CheckResult>> judge = subjects.judge() == null ? CompletableFuture.completedFuture(List.of())
                    : CompletableFuture.supplyAsync(subjects.judge()::run, pool);
            CompletableFuture<List<CheckResult>> rollback = CompletableFuture.supplyAsync(
                    () -> readiness == null ? List.<CheckResult>of() : readiness.checks(), pool);
            List<CheckResult> checks = new ArrayList<>(List.of(postgres.join(), tools.join(), taskDb.join(), qdrant.join(),
                    collection.join(), qdrantFiles.join(), backups.join(), matrix.join(), signingCheck()));
            checks.addAll(judge.join());
            checks.addAll(rollback.join());
            return new DoctorReport(List.copyOf(checks));
        } finally {
            pool.shutdownNow();
        }
    }

    private static CompletableFuture<CheckResult> async(ExecutorService pool, Supplier<CheckResult> check) {
        return CompletableFuture.supplyAsync(check, pool);
    }

    /** The server version, or the failure to get it: both the postgres and the tools check need it. */
    private record ServerVersion(String version, RagbackException failure) {
    }

    private ServerVersion serverVersion() {
        try {
            return new ServerVersion(subjects.postgres().serverVersion(), null);
        } catch (RagbackException e) {
            return new ServerVersion(null, e);
        }
    }

    private CheckResult postgresCheck(ServerVersion server) {
        if (server.failure() != null) {
            return CheckResult.fail("postgres", server.failure().getMessage(),
                    "start PostgreSQL or point ragback at it (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD)");
        }
        return CheckResult.ok("postgres", "PostgreSQL " + server.version() + " at " + subjects.postgres().describe());
    }

    private CheckResult toolsCheck(String serverVersion) {
        try {
            String dump = subjects.dumpTool().dumpVersion();
            String restore = subjects.dumpTool().restoreVersion();
            String detail = "pg_dump " + dump + ", pg_restore " + restore;
            if (serverVersion == null) {
                return CheckResult.ok("pg_tools", detail + " (server version unknown)");
            }
            int server = Versions.major(serverVersion);
            if (Versions.major(dump) < server || Versions.major(restore) < server) {
                return CheckResult.warn("pg_tools", detail + " older than the server's major version " + server
                        + "; snapshots will be refused", "install postgresql-client-" + server + " and put it first on PATH");
            }
            return CheckResult.ok("pg_tools", detail + " (server " + serverVersion + ")");
        } catch (RagbackException e) {
            return CheckResult.fail("pg_tools", e.getMessage(), "install the PostgreSQL client tools (apt-get install postgresql-client)");
        }
    }

    private CheckResult taskDbCheck() {
        try {
            if (subjects.taskDb().tableExists("task_events")) {
                return CheckResult.ok("taskdb", "task_events present at " + subjects.taskDb().describe());
            }
            return CheckResult.warn("taskdb", "task_events missing at " + subjects.taskDb().describe(),
                    "nothing to do: ragback creates it on the first run that records events");
        } catch (RagbackException e) {
            return CheckResult.fail("taskdb", e.getMessage(), "check TASKDB_URL (or the postgres.* settings it defaults to)");
        }
    }

    private CheckResult qdrantCheck() {
        try {
            String version = subjects.vectors().serverVersion();
            if (!subjects.vectors().ready()) {
                return CheckResult.fail("qdrant", "Qdrant " + version + " is not ready (/readyz)",
                        "wait for Qdrant to finish starting, or look at its logs");
            }
            int collections = subjects.vectors().collectionNames().size();
            ClusterStatus cluster = subjects.vectors().clusterStatus();
            String detail = "Qdrant " + version + ", ready, " + collections + " collections, " + cluster.describe();
            return switch (cluster.mode()) {
                case SINGLE_NODE -> CheckResult.ok("qdrant", detail);
                case CLUSTER -> subjects.shards() != null ? ClusterCheck.of(subjects.shards(), subjects.collection(), detail)
                        : CheckResult.fail("qdrant", detail + ", qdrant.nodes not set", "ragback refuses snapshots and restores"
                        + " on a cluster without the REST URL of every peer: set qdrant.nodes (QDRANT_NODES), see docs/qdrant.md,"
                        + " cluster mode");
                case UNKNOWN -> CheckResult.warn("qdrant", detail, "snapshot create and restores will refuse to run: "
                        + "set QDRANT_API_KEY to the global api key (docs/qdrant.md, keys)");
            };
        } catch (RagbackException e) {
            return CheckResult.fail("qdrant", e.getMessage(), "start Qdrant or set QDRANT_URL (and QDRANT_API_KEY when it needs one)");
        }
    }

    private CheckResult collectionCheck() {
        String name = subjects.collection();
        try {
            var alias = subjects.vectors().resolveAlias(name);
            String real = alias.orElse(name);
            var info = subjects.vectors().collection(real);
            if (info.isEmpty()) {
                return CheckResult.fail("collection", "no collection or alias named " + name,
                        "create it, or set QDRANT_COLLECTION / qdrant.collection to the one the pipeline uses");
            }
            String detail = (alias.isPresent() ? name + " -> " + real + " (alias)" : real) + ", " + info.get().status()
                    + (info.get().pointsCount() == null ? "" : ", " + info.get().pointsCount() + " points");
            if (!info.get().green()) {
                return CheckResult.warn("collection", detail, "wait for optimisation to finish; a restore needs it green");
            }
            return CheckResult.ok("collection", detail);
        } catch (RagbackException e) {
            return CheckResult.fail("collection", e.getMessage(), "fix the qdrant check first");
        }
    }

    /** Uploads ragback did not delete: each a full copy of a collection on the Qdrant host's disk. */
    private CheckResult qdrantFilesCheck() {
        try {
            List<CollectionsOverview.Leftover> left = new CollectionsOverview(subjects.vectors()).leftovers();
            if (left.isEmpty()) {
                return CheckResult.ok("qdrant_files", "no snapshot files left by ragback on the Qdrant host");
            }
            long bytes = left.stream().mapToLong(l -> l.snapshot().size()).sum();
            return CheckResult.warn("qdrant_files", left.size() + " snapshot file(s) left by ragback on the Qdrant host ("
                    + Sizes.human(bytes) + "): " + String.join(", ", left.stream()
                    .map(l -> l.collection() + "/" + l.snapshot().name()).toList()), "remove them: ragback qdrant prune-snapshots --yes");
        } catch (RagbackException e) {
            return CheckResult.fail("qdrant_files", e.getMessage(), "fix the qdrant check first");
        }
    }

    private CheckResult matrixCheck() {
        try {
            CompatMatrix matrix = subjects.compat().load();
            String detail = matrix.source() + ": " + matrix.rows().size() + " rows";
            if (!matrix.warnings().isEmpty()) {
                return CheckResult.warn("matrix", detail + "; " + String.join("; ", matrix.warnings()), "run: ragback compat lint");
            }
            return CheckResult.ok("matrix", detail + ", lints clean");
        } catch (RagbackException e) {
            return CheckResult.fail("matrix", e.getMessage(), e.hint() != null ? e.hint() : "fix the line, then run: ragback compat lint");
        }
    }

    private CheckResult signingCheck() {
        ManifestSignature signing = subjects.signing();
        if (!signing.enabled()) {
            return CheckResult.warn("signing", "RAGBACK_SIGNING_KEY not set: manifests are not signed; a changed manifest "
                    + "goes unnoticed (verify only checks the files against it)", "set RAGBACK_SIGNING_KEY (e.g. openssl rand -hex 32) in the environment "
                    + "of every ragback run, then take a new set: ragback snapshot create");
        }
        if (signing.keyBytes() < ManifestSignature.RECOMMENDED_KEY_BYTES) {
            return CheckResult.warn("signing", "manifests are signed (" + ManifestSignature.ALGORITHM
                    + "), but RAGBACK_SIGNING_KEY is shorter than " + ManifestSignature.RECOMMENDED_KEY_BYTES + " bytes",
                    "use a longer random key (openssl rand -hex 32) and take new sets with it");
        }
        return CheckResult.ok("signing", "manifests are signed and checked (" + ManifestSignature.ALGORITHM + ")");
    }
}
