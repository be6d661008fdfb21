package dev.ragback.app.snapshot;

import dev.ragback.app.Host;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.DiskFull;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.vectors.QdrantGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code snapshot create}: both stores captured in parallel into {@code .tmp-<id>}, the manifest
 * written last, then the directory renamed into place and SHA256SUMS rewritten.
 */
public final class SnapshotCreator {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCreator.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    /**
     * A finished set and how long each store took.
     *
     * @param manifest       the set's manifest
     * @param dir            where the set is, or {@code null} when it went to an object store
     * @param qdrantMillis   time of the Qdrant half
     * @param postgresMillis time of the PostgreSQL half
     * @param where          where the set is, for people: the directory or {@code s3://bucket/prefix/<id>}
     */
    public record Created(Manifest manifest, Path dir, long qdrantMillis, long postgresMillis, String where) {
    }

    private final BackupsDir backups;
    private final VectorStore vectors;
    private final DatabaseProbe database;
    private final DumpTool dumpTool;
    private final AppliedMigrations migrations;
    private final ReleaseSwitch releases;
    private final SnapshotSettings settings;
    private final String ragbackVersion;
    private final Clock clock;
    private final ManifestSignature signature;
    private ObjectSets remote;
    private dev.ragback.app.port.ClusterNodes cluster;
    private int parallelShards = 1;
    private boolean onCluster;

    /** What a set is taken from; {@code releases} may be {@code null} (no release.dir: the set records no binary). */
    public record Sources(VectorStore vectors, DatabaseProbe database, DumpTool dumpTool, AppliedMigrations migrations,
                          ReleaseSwitch releases) {
    }

    public SnapshotCreator(BackupsDir backups, Sources sources, SnapshotSettings settings, String ragbackVersion, Clock clock) {
        this(backups, sources, settings, ragbackVersion, clock, ManifestSignature.none());
    }

    /** As above, signing the manifest when {@code signature} has a key. */
    public SnapshotCreator(BackupsDir backups, Sources sources, SnapshotSettings settings, String ragbackVersion, Clock clock,
                           ManifestSignature signature) {
        this.backups = backups;
        this.vectors = sources.vectors();
        this.database = sources.database();
        this.dumpTool = sources.dumpTool();
        this.migrations = sources.migrations();
        this.releases = sources.releases();
        this.settings = settings;
        this.ragbackVersion = ragbackVersion;
        this.clock = clock;
        this.signature = signature;
    }

    /**
     * Creates every set in {@code remote}: streamed straight into its objects, with no local copy; or,
     * for a dump in the directory format (which pg_dump cannot stream), complete in the backups dir
     * (then a staging dir) first, uploaded, and the local copy removed. The manifest goes last.
     */
    public SnapshotCreator uploadingTo(ObjectSets remote) {
        this.remote = remote;
        return this;
    }

    /** On a Qdrant cluster, one snapshot per shard through every peer's URL ({@code qdrant.nodes}), shards in parallel. */
    public SnapshotCreator withCluster(dev.ragback.app.port.ClusterNodes nodes, int shardsAtOnce) {
        this.cluster = nodes;
        this.parallelShards = shardsAtOnce;
        return this;
    }

    public Created create(String label, boolean golden, Progress progress) {
        QdrantGuard guard = new QdrantGuard(vectors, cluster != null);
        onCluster = guard.requireWorkable("snapshot create").mode() == dev.ragback.app.port.ClusterStatus.Mode.CLUSTER;
        guard.requireQueryApi("snapshot create");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (remote != null && !settings.dump().directoryFormat()) {
            return createStreamed(label, golden, now, progress);
        }
        String id;
        try {
            id = backups.allocate(now);
        } catch (IOException e) {
            String full = DiskFull.reason(e);
            throw full != null ? diskFull(full, "cannot create a set: " + e.getMessage(), e) : RagbackException.external(
                    "cannot create a set in " + backups.root() + ": " + e.getMessage(), "check backups.dir (RAGBACK_BACKUPS) and free space", e);
        }
        Path temp = backups.temp(id);
        ExecutorService pool = pool(id);
        try {
            Halves halves = captureBoth(pool, SetSink.directory(temp), progress);
            Timed<QdrantCapture.Captured> q = halves.qdrant();
            Timed<PostgresCapture.Captured> p = halves.postgres();
            Manifest manifest = manifest(id, now, label, golden, halves);
            ManifestJson.write(temp.resolve(BackupsDir.MANIFEST), manifest, signature);
            Path dir = backups.publish(id);
            try {
                backups.writeSums();
            } catch (IOException e) {
                // a set missing from SHA256SUMS would look complete and yet not check: take it back
                unpublish(id, e);
                throw e;
            }
            if (remote != null) {
                return upload(id, manifest, q.millis(), p.millis(), progress);
            }
            return new Created(manifest, dir, q.millis(), p.millis(), dir.toString());
        } catch (IOException | RuntimeException e) {
            // after Ctrl-C too: the other half cleans up (its server-side snapshot) before the temp dir goes
            String left = dev.ragback.app.Background.uninterrupted(() -> {
                stop(pool);
                return removeQuietly(temp) ? "the unfinished set was removed" : "the unfinished set is left as "
                        + temp.getFileName() + " (snapshot list shows it incomplete; snapshot prune removes it)";
            });
            if (e instanceof RagbackException r && r.kind() == RagbackException.Kind.INTERRUPTED) {
                throw new RagbackException(r.kind(), r.getMessage() + "; " + left, r.hint(), r);
            }
            String full = DiskFull.reason(e);
            if (e instanceof RagbackException r && (r.kind() != RagbackException.Kind.EXTERNAL || full == null)) {
                throw r;
            }
            if (full != null) {
                throw diskFull(full, oneLine(e.getMessage()) + "; " + left, e);
            }
            if (e instanceof IOException) {
                throw RagbackException.external("cannot write the set " + id + " in " + backups.root() + ": "
                        + oneLine(e.getMessage()) + "; " + left, "check free space and permissions of backups.dir", e);
            }
            throw (RuntimeException) e;
        } finally {
            pool.shutdownNow();
        }
    }

    private Manifest manifest(String id, Instant now, String label, boolean golden, Halves halves) {
        QdrantCapture.Captured q = halves.qdrant().value();
        PostgresCapture.Captured p = halves.postgres().value();
        String binary = releases == null ? null : currentRelease();
        return new Manifest(id, now.toString(), label, Manifest.COMPLETE, golden, golden ? now.toString() : null, ragbackVersion,
                Host.userAtHost(), binary, p.schemaVersion(), q.part(), p.part(), q.probes(), p.migrations(), null);
    }

    /** Both halves stream into the bucket's objects as they are hashed; the manifest goes last. */
    private Created createStreamed(String label, boolean golden, Instant now, Progress progress) {
        String id = remote.freeId(BackupsDir.ID_TIME.format(now));
        StreamedSet sink = new StreamedSet(remote, id);
        ExecutorService pool = pool(id);
        try {
            Halves halves = captureBoth(pool, sink, progress);
            Manifest manifest = manifest(id, now, label, golden, halves);
            sink.complete(manifest);
            return new Created(manifest, null, halves.qdrant().millis(), halves.postgres().millis(), remote.location() + "/" + id);
        } catch (IOException | RuntimeException e) {
            String left = dev.ragback.app.Background.uninterrupted(() -> {
                stop(pool);
                return sink.discard() ? "the unfinished set was removed from the bucket" : "the unfinished set " + id
                        + " is left in the bucket (snapshot list shows it incomplete; snapshot prune removes it)";
            });
            if (e instanceof RagbackException r) {
                throw new RagbackException(r.kind(), r.getMessage() + "; " + left, r.hint(), r);
            }
            throw RagbackException.external("cannot write the set " + id + " to " + remote.location() + ": "
                    + oneLine(e.getMessage()) + "; " + left, null, e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ExecutorService pool(String id) {
        return Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "snapshot-" + id);
            thread.setDaemon(true);
            return thread;
        });
    }

    private Created upload(String id, Manifest manifest, long qdrantMillis, long postgresMillis, Progress progress)
            throws IOException {
        progress.stage("upload", remote.location() + "/" + id);
        try {
            remote.publish(backups, id, bytes -> progress.bytes("upload", bytes));
        } finally {
            backups.unpublish(id);
            backups.deleteQuietly(backups.temp(id));
        }
        return new Created(manifest, null, qdrantMillis, postgresMillis, remote.location() + "/" + id);
    }

    private record Halves(Timed<QdrantCapture.Captured> qdrant, Timed<PostgresCapture.Captured> postgres) {
    }

    /** Both stores in parallel; the first failure wins (the caller stops the other half). */
    @SuppressWarnings("unchecked")
    private Halves captureBoth(ExecutorService pool, SetSink sink, Progress progress) throws IOException {
        CompletionService<Object> halves = new ExecutorCompletionService<>(pool);
        Future<Object> qdrant = halves.submit(timed(() -> onCluster
                ? new ClusterCapture(vectors, cluster, settings, parallelShards).capture(sink, progress)
                : new QdrantCapture(vectors, settings).capture(sink, progress))::call);
        Future<Object> postgres = halves.submit(timed(
                () -> new PostgresCapture(database, dumpTool, migrations, settings).capture(sink, progress))::call);
        try {
            for (int i = 0; i < 2; i++) {
                halves.take().get();
            }
            return new Halves((Timed<QdrantCapture.Captured>) qdrant.get(), (Timed<PostgresCapture.Captured>) postgres.get());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw RagbackException.external("snapshot failed: " + cause.getMessage(), null, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "snapshot create was interrupted");
        }
    }

    /** Interrupts the half still running and waits for it, so it cleans up (server-side snapshot) before the temp dir goes. */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("the other half of the snapshot did not stop within {}s", STOP_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void unpublish(String id, IOException why) {
        try {
            backups.unpublish(id);
        } catch (IOException e) {
            why.addSuppressed(e);
        }
    }

    private RagbackException diskFull(String reason, String detail, Throwable cause) {
        String hint = DiskFull.fileSizeLimit(reason)
                ? "raise the file size limit of the ragback process (ulimit -f), then run ragback snapshot create again"
                : "free space there (ragback snapshot prune --keep N removes older sets) or point backups.dir at a bigger disk, "
                        + "then run ragback snapshot create again";
        return RagbackException.external("snapshot create: " + reason + " in " + backups.root() + ": " + detail, hint, cause);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private String currentRelease() {
        try {
            Optional<String> current = releases.current();
            return current.orElse(null);
        } catch (RagbackException e) {
            LOG.warn("binary_version unknown: {}", e.getMessage());
            return null;
        }
    }

    private record Timed<T>(T value, long millis) {
    }

    private static <T> Callable<Timed<T>> timed(Callable<T> work) {
        return () -> {
            long started = System.nanoTime();
            T value = work.call();
            return new Timed<>(value, (System.nanoTime() - started) / 1_000_000);
        };
    }

    private boolean removeQuietly(Path temp) {
        try {
            if (java.nio.file.Files.exists(temp)) {
                backups.delete(temp);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the unfinished set {}: {}; ragback snapshot prune removes it", temp, e.getMessage());
            return false;
        }
    }
}
