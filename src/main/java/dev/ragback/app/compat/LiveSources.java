package dev.ragback.app.compat;

import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.VectorStore;

/**
 * Where the live triple comes from.
 *
 * @param releases   the current release is the binary version
 * @param migrations the newest applied migration is the schema version
 * @param vectors    resolves {@code collection} to the real collection behind it
 * @param collection the configured collection or alias ({@code qdrant.collection})
 */
public record LiveSources(ReleaseSwitch releases, AppliedMigrations migrations, VectorStore vectors, String collection) {
}
