package dev.ragback.app.snapshot;

import dev.ragback.app.Host;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code snapshot create}: both stores captured in parallel into {@code .tmp-<id>}, the manifest
 * written last, then the directory renamed into place and SHA256SUMS rewritten.
 */
public final class SnapshotCreator {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCreator.class);

    /**
     * A finished set and how long each store took.
     *
     * @param manifest       the set's manifest
     * @param dir            where the set is
     * @param qdrantMillis   time of the Qdrant half
     * @param postgresMillis time of the PostgreSQL half
     */
    public record Created(Manifest manifest, Path dir, long qdrantMillis, long postgresMillis) {
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

    public SnapshotCreator(BackupsDir backups, VectorStore vectors, DatabaseProbe database, DumpTool dumpTool,
                           AppliedMigrations migrations, ReleaseSwitch releasesOrNull, SnapshotSettings settings,
                           String ragbackVersion, Clock clock) {
        this(backups, vectors, database, dumpTool, migrations, releasesOrNull, settings, ragbackVersion, clock,
                ManifestSignature.none());
    }

    /** As above, signing the manifest when {@code signature} has a key. */
    public SnapshotCreator(BackupsDir backups, VectorStore vectors, DatabaseProbe database, DumpTool dumpTool,
                           AppliedMigrations migrations, ReleaseSwitch releasesOrNull, SnapshotSettings settings,
                           String ragbackVersion, Clock clock, ManifestSignature signature) {
        this.backups = backups;
        this.vectors = vectors;
        this.database = database;
        this.dumpTool = dumpTool;
        this.migrations = migrations;
        this.releases = releasesOrNull;
        this.settings = settings;
        this.ragbackVersion = ragbackVersion;
        this.clock = clock;
        this.signature = signature;
    }

    public Created create(String label, boolean golden, Progress progress) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String id;
        try {
            id = backups.allocate(now);
        } catch (IOException e) {
            throw RagbackException.external("cannot create a set in " + backups.root() + ": " + e.getMessage(),
                    "check backups.dir (RAGBACK_BACKUPS) and free space", e);
        }
        Path temp = backups.temp(id);
        boolean published = false;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "snapshot-" + id);
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<Timed<QdrantCapture.Captured>> qdrant = pool.submit(timed(
                    () -> new QdrantCapture(vectors, settings).capture(temp, progress)));
            Future<Timed<PostgresCapture.Captured>> postgres = pool.submit(timed(
                    () -> new PostgresCapture(database, dumpTool, migrations, settings).capture(temp, progress)));
            Timed<QdrantCapture.Captured> q = await(qdrant, postgres);
            Timed<PostgresCapture.Captured> p = await(postgres, qdrant);
            String binary = releases == null ? null : currentRelease();
            Manifest manifest = new Manifest(id, now.toString(), label, Manifest.COMPLETE, golden,
                    golden ? now.toString() : null, ragbackVersion, Host.userAtHost(), binary,
                    p.value().schemaVersion(), q.value().part(), p.value().part(), q.value().probes(),
                    p.value().migrations());
            ManifestJson.write(temp.resolve(BackupsDir.MANIFEST), manifest, signature);
            Path dir = backups.publish(id);
            published = true;
            backups.writeSums();
            return new Created(manifest, dir, q.millis(), p.millis());
        } catch (IOException e) {
            throw RagbackException.external("cannot write the set " + id + " in " + backups.root() + ": " + e.getMessage(),
                    "check free space and permissions of backups.dir", e);
        } finally {
            pool.shutdownNow();
            if (!published) {
                removeQuietly(temp);
            }
        }
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

    /** The first failure wins; the other half is cancelled. */
    private static <T> T await(Future<T> future, Future<?> other) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            other.cancel(true);
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw RagbackException.external("snapshot failed: " + cause.getMessage(), null, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            other.cancel(true);
            future.cancel(true);
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "snapshot create was interrupted");
        }
    }

    private void removeQuietly(Path temp) {
        try {
            if (java.nio.file.Files.exists(temp)) {
                backups.delete(temp);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the unfinished set {}: {}; ragback snapshot prune removes it", temp, e.getMessage());
        }
    }
}
