package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.qdrant.QdrantDouble;
import dev.ragback.testing.s3.S3Bucket;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The S3 fault classes' stage: both stores with 1000 chunks and points and a CLI pointed at them; a fresh prefix and
 * the bucket's flags for each command. Close it after each test.
 */
final class S3FaultStage implements AutoCloseable {
    final QdrantDouble qdrant;
    final RagbackCli cli;

    S3FaultStage(PgDatabase db, Path work) {
        SnapshotRepositoryCliIT.Stores stores = SnapshotRepositoryCliIT.Stores.load(db, work, 1000);
        qdrant = stores.qdrant();
        cli = stores.cli();
    }

    /** The bucket's global options (endpoint, path style), then {@code args}. */
    static String[] args(S3Bucket bucket, String... args) {
        List<String> all = bucket.setFlags();
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    static String prefix() {
        return "f-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        qdrant.close();
    }
}
