package dev.ragback.cli;

import dev.ragback.adapters.s3.S3BlobStore;
import dev.ragback.adapters.s3.S3Settings;
import dev.ragback.app.RagbackException;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.ManifestSignature;
import dev.ragback.app.snapshot.ObjectSets;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Where snapshot sets live ({@code backups.dir}): a directory, or an S3 bucket. For a bucket, the
 * local work (a create before its upload, a restore's verified download) happens in a staging dir
 * per run, under {@code backups.staging} (default: the temp dir), removed at the end of the run.
 */
final class Repository implements AutoCloseable {
    private final Config config;
    private final String location;
    private S3BlobStore store;
    private Path runStaging;
    private boolean keepStaging;

    Repository(Config config) {
        this.config = config;
        this.location = config.get(ConfigKeys.BACKUPS_DIR);
    }

    /** The given location ({@code --to}, {@code --from}) with the other backups.s3.* settings. */
    Repository(Config config, String location) {
        this.config = config;
        this.location = location;
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
            return Path.of(location);
        }
        Path staging = config.get(ConfigKeys.BACKUPS_STAGING);
        return staging != null ? staging : Path.of(System.getProperty("java.io.tmpdir"), "ragback-" + System.getProperty("user.name"));
    }

    private Path stagingParent() {
        return bucket() ? localState() : localState().resolve(".staging");
    }

    /** The sets' directory, or for a bucket this run's staging dir. */
    BackupsDir backups() {
        return bucket() ? staging() : new BackupsDir(Path.of(location));
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

    synchronized S3BlobStore store() {
        if (store == null) {
            store = new S3BlobStore(settings());
        }
        return store;
    }

    ObjectSets objectSets(ManifestSignature signature) {
        return new ObjectSets(store(), staging().root().resolve(".scratch"), signature, Clock.systemUTC());
    }

    private S3Settings settings() {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
        String sse = config.get(ConfigKeys.BACKUPS_S3_SSE);
        String kms = config.get(ConfigKeys.BACKUPS_S3_KMS_KEY_ID);
        if (kms != null && !"aws:kms".equals(sse)) {
            throw RagbackException.malformed("backups.s3.kms_key_id is set but backups.s3.sse is not aws:kms");
        }
        return new S3Settings(bucket, prefix, config.get(ConfigKeys.BACKUPS_S3_ENDPOINT), config.get(ConfigKeys.BACKUPS_S3_REGION),
                config.get(ConfigKeys.BACKUPS_S3_PATH_STYLE), sse, kms, Math.toIntExact(config.get(ConfigKeys.BACKUPS_S3_PART_SIZE)));
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
