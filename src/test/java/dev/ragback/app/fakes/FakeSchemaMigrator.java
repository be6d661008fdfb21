package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.migrate.SqlScript;
import dev.ragback.app.port.SchemaMigrator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An in-memory database for migrations. Its "SQL": {@code CREATE x} adds the schema line
 * {@code x}, {@code DROP x} removes it, {@code FAIL why} fails like a bad statement; anything else
 * does nothing. Each migration is all-or-nothing, as in one transaction.
 */
public final class FakeSchemaMigrator implements SchemaMigrator {
    public final List<Applied> rows = new ArrayList<>();
    public final TreeSet<String> schema = new TreeSet<>();
    public final Map<String, FakeSchemaMigrator> scratches = new LinkedHashMap<>();
    public final List<String> created = new ArrayList<>();
    public final List<String> dropped = new ArrayList<>();
    public final List<String> ran = new ArrayList<>();
    public boolean down;
    public boolean dumpFails;
    public boolean scratchDumpFails;
    private final String database;

    public FakeSchemaMigrator() {
        this("ragdb");
    }

    private FakeSchemaMigrator(String database) {
        this.database = database;
    }

    /** A clean row, as if {@code migrate up} had applied it (the schema is not touched). */
    public FakeSchemaMigrator applied(String version, String upSha256, String downSql, String downSha256) {
        rows.add(new Applied(version, Instant.parse("2026-11-28T03:00:00Z"), upSha256, downSha256, downSql, false));
        return this;
    }

    public FakeSchemaMigrator dirty(String version) {
        rows.add(new Applied(version, Instant.parse("2026-11-28T03:00:00Z"), "up", "down", "DROP x", true));
        return this;
    }

    public Applied row(String version) {
        return rows.stream().filter(r -> r.version().equals(version)).findFirst().orElse(null);
    }

    @Override
    public String describe() {
        return "fake:5432/" + database;
    }

    @Override
    public List<Applied> applied() {
        reachable();
        List<Applied> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Applied::version, Versions.SEMANTIC));
        return sorted;
    }

    @Override
    public Instant apply(Migration m) {
        reachable();
        if (row(m.version()) != null) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot apply " + m.version() + ": it already has a row");
        }
        Instant at = Instant.parse("2026-11-28T04:00:00Z");
        try {
            run(m.upSql());
        } catch (StatementFailed failure) {
            rows.add(new Applied(m.version(), at, m.upSha256(), m.downSha256(), m.downSql(), true));
            throw failure;
        }
        rows.add(new Applied(m.version(), at, m.upSha256(), m.downSha256(), m.downSql(), false));
        return at;
    }

    @Override
    public void revert(String version, String downSql) {
        reachable();
        Applied row = row(version);
        if (row == null || row.dirty()) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot revert " + version);
        }
        try {
            run(downSql);
        } catch (StatementFailed failure) {
            rows.set(rows.indexOf(row), new Applied(version, row.appliedAt(), row.upSha256(), row.downSha256(), row.downSql(), true));
            throw failure;
        }
        rows.remove(row);
    }

    @Override
    public String schemaDump() {
        reachable();
        if (dumpFails) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "pg_dump --schema-only failed: exit 1");
        }
        return "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n\n" + String.join("\n\n", schema) + "\n";
    }

    @Override
    public SchemaMigrator createScratch(String name) {
        reachable();
        FakeSchemaMigrator scratch = new FakeSchemaMigrator(name);
        scratch.dumpFails = scratchDumpFails;
        scratches.put(name, scratch);
        created.add(name);
        return scratch;
    }

    @Override
    public void dropScratch(String name) {
        reachable();
        scratches.remove(name);
        dropped.add(name);
    }

    private void run(String sql) {
        TreeSet<String> before = new TreeSet<>(schema);
        for (SqlScript.Statement statement : SqlScript.split(sql)) {
            ran.add(statement.text());
            String[] words = statement.text().split("\\s+", 2);
            String rest = words.length > 1 ? words[1] : "";
            switch (words[0]) {
                case "CREATE" -> schema.add(rest);
                case "DROP" -> schema.remove(rest);
                case "FAIL" -> {
                    schema.clear();
                    schema.addAll(before);
                    throw new StatementFailed(statement.line(), statement.text(), "ERROR: " + rest, true, null);
                }
                default -> { }
            }
        }
    }

    private void reachable() {
        if (down) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "PostgreSQL at fake:5432/ragdb: cannot connect: refused");
        }
    }
}
