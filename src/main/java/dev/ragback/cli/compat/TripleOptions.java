package dev.ragback.cli.compat;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.Triple;
import picocli.CommandLine.Option;

/** The triple asked about. The live triple (no flags) comes with the release work. */
final class TripleOptions {
    @Option(names = "--binary", paramLabel = "V", description = "Binary (release) version, e.g. v1.1.0.")
    String binary;

    @Option(names = "--schema", paramLabel = "V", description = "Schema version (newest applied migration).")
    String schema;

    @Option(names = "--collection", paramLabel = "C", description = "Qdrant collection (a _r<set id> suffix is ignored).")
    String collection;

    Triple triple() {
        if (binary == null || schema == null || collection == null) {
            throw RagbackException.usage("give all three of --binary, --schema and --collection");
        }
        return new Triple(Names.require("binary version", binary), Names.require("schema version", schema),
                Names.require("collection", collection));
    }
}
