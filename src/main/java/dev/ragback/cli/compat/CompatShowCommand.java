package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatMatrix;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "show", description = "Print the compatibility matrix.")
final class CompatShowCommand implements Callable<Integer> {
    private final Session session;

    CompatShowCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CompatMatrix matrix = session.services().compat().load();
        if (session.json()) {
            List<Map<String, Object>> rows = matrix.rows().stream().map(CompatShowCommand::json).toList();
            session.printJson(Map.of("source", matrix.source(), "rows", rows));
        } else {
            session.out().printf("%-14s %-14s %-24s %s%n", "BINARY", "SCHEMA", "COLLECTION", "STATUS");
            for (CompatMatrix.Row row : matrix.rows()) {
                session.out().printf("%-14s %-14s %-24s %s%n", row.triple().binary(), row.triple().schema(),
                        row.triple().collection(), row.status());
            }
        }
        return 0;
    }

    private static Map<String, Object> json(CompatMatrix.Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("binary", row.triple().binary());
        out.put("schema", row.triple().schema());
        out.put("collection", row.triple().collection());
        out.put("status", row.status().name());
        out.put("line", row.line());
        return out;
    }
}
