package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.BlobStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.ManifestSignature;
import dev.ragback.app.snapshot.ObjectSets;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/**
 * Where snapshot sets live ({@code backups.dir}): a directory, or an S3 bucket. For a bucket, the
 * local work (a create before its upload, a restore's verified download) happens in a staging dir
 * per run, under {@code backups.staging} (default: the temp dir), removed at the end of the run.
 */
final class Repository implements AutoCloseable {
    private final Config config;
    private final String location;
    private final Function<String, BlobStore> buckets;
    private BlobStore store;
    private Path runStaging;
    private boolean keepStaging;

    /** {@code location}: a directory or {@code s3://...}; {@code buckets} opens a bucket's store from its location. */
    Repository(Config config, String location, Function<String, BlobStore> buckets) {
        this.config = config;
        this.location = location;
        this.buckets = buckets;
    }

    static boolean isBucket(String location) {
        return location.regionMatches(true, 0, "s3://", 0, 5);
    }

    boolean bucket() {
        return isBucket(location);
    }

    String location() {
        return location;
    }

    /** Local state that outlives a run (journal, lock file): the backups dir, or for a bucket backups.staging. */
    Path localState() {
        if (!bucket()) {
            return localDir();
        }
        Path staging = config.get(ConfigKeys.BACKUPS_STAGING);
        return staging != null ? staging : Path.of(System.getProperty("java.io.tmpdir"), "ragback-" + System.getProperty("user.name"));
    }

    private Path stagingParent() {
        return bucket() ? localState() : localState().resolve(".staging");
    }

    /** The sets' directory, or for a bucket this run's staging dir. */
    BackupsDir backups() {
        return bucket() ? staging() : new BackupsDir(localDir());
    }

    // a relative backups.dir is the invocation's, as every other configured path
    private Path localDir() {
        Path dir = Path.of(location);
        return config.workDir().map(work -> work.resolve(dir)).orElse(dir);
    }

    /** This run's staging dir, created on first use and removed at the end of the run. */
    synchronized BackupsDir staging() {
        if (runStaging == null) {
            try {
                Files.createDirectories(stagingParent());
                runStaging = Files.createTempDirectory(stagingParent(), "staging-");
            } catch (IOException e) {
                throw RagbackException.external("cannot create a staging dir in " + stagingParent() + ": " + e.getMessage(),
                        "set backups.staging to a writable directory with room for one set", e);
            }
        }
        return new BackupsDir(runStaging);
    }

    synchronized BlobStore store() {
        if (store == null) {
            store = buckets.apply(location);
        }
        return store;
    }

    ObjectSets objectSets(ManifestSignature signature) {
        return new ObjectSets(store(), staging().root().resolve(".scratch"), signature, Clock.systemUTC());
    }

    /** Leaves this run's staging dir in place at the end (restore --keep-staging); returns it, or null for a directory repository. */
    synchronized Path keepStaging() {
        if (!bucket()) {
            return null;
        }
        keepStaging = true;
        return staging().root();
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
        if (runStaging != null && !keepStaging) {
            new BackupsDir(runStaging.getParent()).deleteQuietly(runStaging);
        }
    }
}
