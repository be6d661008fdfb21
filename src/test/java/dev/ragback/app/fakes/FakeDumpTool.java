package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DumpTool;

/** Dump tool with fixed versions, for use-case tests. */
public final class FakeDumpTool implements DumpTool {
    public String dumpVersion = "15.18";
    public String restoreVersion = "15.18";
    public boolean missing;

    @Override
    public String dumpVersion() {
        if (missing) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "pg_dump not found on PATH");
        }
        return dumpVersion;
    }

    @Override
    public String restoreVersion() {
        if (missing) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "pg_restore not found on PATH");
        }
        return restoreVersion;
    }
}
