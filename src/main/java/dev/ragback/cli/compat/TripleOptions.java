package dev.ragback.cli.compat;

import dev.ragback.app.Names;
import picocli.CommandLine.Option;

/** The triple asked about: each part given by a flag, or (without it) read from the live system. */
final class TripleOptions {
    @Option(names = "--binary", paramLabel = "V", description = "Binary (release) version, e.g. v1.1.0 (default: the current release).")
    String binary;

    @Option(names = "--schema", paramLabel = "V", description = "Schema version (default: the newest applied migration).")
    String schema;

    @Option(names = "--collection", paramLabel = "C",
            description = "Qdrant collection; a _r<set id> suffix is ignored (default: the real collection behind qdrant.collection).")
    String collection;

    String binary() {
        return binary == null ? null : Names.require("binary version", binary);
    }

    String schema() {
        return schema == null ? null : Names.require("schema version", schema);
    }

    String collection() {
        return collection == null ? null : Names.require("collection", collection);
    }
}
