package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.DatabaseProbe;

import java.util.HashSet;
import java.util.Set;

/** In-memory database probe for use-case tests. */
public final class FakeDatabaseProbe implements DatabaseProbe {
    public final Set<String> tables = new HashSet<>();
    public String version = "15.18";
    public boolean down;

    @Override
    public String describe() {
        return "fake:5432/ragdb";
    }

    private void reachable() {
        if (down) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "PostgreSQL at fake:5432/ragdb: connection refused");
        }
    }

    @Override
    public String serverVersion() {
        reachable();
        return version;
    }

    @Override
    public boolean tableExists(String table) {
        reachable();
        return tables.contains(table);
    }

    @Override
    public java.util.List<String> tablesStartingWith(String prefix) {
        reachable();
        return tables.stream().filter(t -> t.startsWith(prefix)).sorted().toList();
    }

    public final java.util.List<ModelCount> counts = new java.util.ArrayList<>();

    @Override
    public java.util.List<ModelCount> chunkCounts(String table) {
        reachable();
        return java.util.List.copyOf(counts);
    }
}
