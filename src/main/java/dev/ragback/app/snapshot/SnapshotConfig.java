package dev.ragback.app.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.files.TarArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The collection config a set's Qdrant snapshot restores with: recorded in the manifest
 * ({@code qdrant.config}), or, for sets made before that, the archive's {@code config.json}, which
 * is what Qdrant itself reads when it recovers.
 */
public final class SnapshotConfig {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotConfig.class);
    private static final int MAX_BYTES = 4 << 20;

    private SnapshotConfig() {
    }

    /** The config, or empty when neither the manifest nor the archive has a readable one. */
    public static Optional<JsonNode> of(Manifest manifest, Path setDir) {
        Manifest.QdrantPart qdrant = manifest.qdrant();
        if (qdrant.config() != null && qdrant.config().isObject()) {
            return Optional.of(qdrant.config());
        }
        Path archive = setDir.resolve(qdrant.file());
        try {
            Optional<byte[]> bytes = TarArchive.read(archive, "config.json", MAX_BYTES);
            return bytes.isEmpty() ? Optional.empty() : Optional.of(ManifestJson.MAPPER.readTree(bytes.get()));
        } catch (IOException e) {
            LOG.warn("cannot read config.json from {}: {}", archive, e.getMessage());
            return Optional.empty();
        }
    }
}
