package dev.ragback.cli.snapshot;

import dev.ragback.app.Sizes;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.List;
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
            session.printJson(entries.stream().map(SetRow::of).toList());
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

    /** One set; what its manifest says is {@code null} when there is no readable manifest (a leftover). */
    record SetRow(String id, String createdAt, String label, boolean golden, Long qdrantBytes, Long postgresBytes, String status,
                  String schemaVersion, String binaryVersion, String qdrantVersion, String problem, String path) {
        static SetRow of(BackupsDir.Entry entry) {
            var m = entry.manifest();
            if (m == null) {
                return new SetRow(entry.id(), null, null, false, null, null, status(entry), null, null, null, entry.problem(),
                        entry.where());
            }
            return new SetRow(entry.id(), m.createdAt(), m.label(), m.golden(), m.qdrantBytes(), m.postgresBytes(), status(entry),
                    m.schemaVersion(), m.binaryVersion(), m.qdrant() == null ? null : m.qdrant().serverVersion(), entry.problem(),
                    entry.where());
        }

        private static String status(BackupsDir.Entry entry) {
            return entry.complete() ? "complete" : "incomplete";
        }
    }
}
