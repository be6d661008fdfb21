package dev.ragback.blackbox;

import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

/** What the S3 fault classes share: both stores with 1000 chunks and points and a CLI pointed at them, for each test. */
@ExtendWith(PostgresExtension.class)
@BlackBox
abstract class S3FaultStage {
    @TempDir
    Path work;

    QdrantDouble qdrant;
    RagbackCli cli;

    @BeforeEach
    void loadBothStores(PgDatabase db) {
        SnapshotRepositoryCliIT.Stores stores = SnapshotRepositoryCliIT.Stores.load(db, work, 1000);
        qdrant = stores.qdrant();
        cli = stores.cli();
    }

    @AfterEach
    void stopQdrant() {
        if (qdrant != null) {
            qdrant.close();
        }
    }

    /** A fresh key prefix in the bucket, so a test's sets never meet another's. */
    static String prefix() {
        return "f-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
