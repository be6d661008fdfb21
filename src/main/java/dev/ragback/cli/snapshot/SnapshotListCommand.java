package dev.ragback.cli.snapshot;

import dev.ragback.app.Sizes;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "list", description = "List snapshot sets, newest first, with leftovers of interrupted creates as incomplete.")
final class SnapshotListCommand implements Callable<Integer> {
    private final Session session;

    SnapshotListCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        List<BackupsDir.Entry> entries = session.services().snapshotCatalog().list();
        if (session.json()) {
            session.printJson(entries.stream().map(SnapshotListCommand::json).toList());
            return ExitCodes.OK;
        }
        String row = "%-20s %-21s %-6s %10s %10s  %-10s %-8s %-8s %-8s %s%n";
        session.out().printf(row, "ID", "CREATED", "GOLDEN", "QDRANT", "POSTGRES", "STATE", "SCHEMA", "BINARY", "QDRANT_V", "LABEL");
        for (BackupsDir.Entry entry : entries) {
            var m = entry.manifest();
            session.out().printf(row, entry.id(), m == null ? "-" : m.createdAt(),
                    m != null && m.golden() ? "yes" : "", m == null ? "-" : Sizes.human(m.qdrantBytes()),
                    m == null ? "-" : Sizes.human(m.postgresBytes()), entry.complete() ? "complete" : "incomplete",
                    orDash(m == null ? null : m.schemaVersion()), orDash(m == null ? null : m.binaryVersion()),
                    orDash(m == null || m.qdrant() == null ? null : m.qdrant().serverVersion()),
                    m == null || m.label() == null ? "" : m.label());
        }
        if (entries.isEmpty()) {
            session.out().println("(no snapshot sets yet; take one: ragback snapshot create)");
        }
        return ExitCodes.OK;
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    private static Map<String, Object> json(BackupsDir.Entry entry) {
        var m = entry.manifest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", entry.id());
        out.put("created_at", m == null ? null : m.createdAt());
        out.put("label", m == null ? null : m.label());
        out.put("golden", m != null && m.golden());
        out.put("qdrant_bytes", m == null ? null : m.qdrantBytes());
        out.put("postgres_bytes", m == null ? null : m.postgresBytes());
        out.put("status", entry.complete() ? "complete" : "incomplete");
        out.put("schema_version", m == null ? null : m.schemaVersion());
        out.put("binary_version", m == null ? null : m.binaryVersion());
        out.put("qdrant_version", m == null || m.qdrant() == null ? null : m.qdrant().serverVersion());
        out.put("problem", entry.problem());
        out.put("path", entry.where());
        return out;
    }
}
