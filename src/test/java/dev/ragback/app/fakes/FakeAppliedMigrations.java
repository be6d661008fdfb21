package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.port.AppliedMigrations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** In-memory schema_migrations rows; {@link #down} makes reads fail like an unreachable database. */
public final class FakeAppliedMigrations implements AppliedMigrations {
    public final List<Applied> rows = new ArrayList<>();
    public boolean down;

    public FakeAppliedMigrations applied(String version) {
        rows.add(new Applied(version, Instant.now(), "up", "down", "-- down", false));
        return this;
    }

    public FakeAppliedMigrations dirty(String version) {
        rows.add(new Applied(version, Instant.now(), "up", "down", "-- down", true));
        return this;
    }

    @Override
    public List<Applied> applied() {
        if (down) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "PostgreSQL at fake:5432/ragdb: cannot connect: refused");
        }
        List<Applied> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Applied::version, Versions.SEMANTIC));
        return sorted;
    }
}
