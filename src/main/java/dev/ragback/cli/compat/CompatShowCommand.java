package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatMatrix;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.List;
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
            session.printJson(new Matrix(matrix.source(), matrix.rows().stream().map(MatrixRow::of).toList()));
        } else {
            session.out().printf("%-14s %-14s %-24s %s%n", "BINARY", "SCHEMA", "COLLECTION", "STATUS");
            for (CompatMatrix.Row row : matrix.rows()) {
                session.out().printf("%-14s %-14s %-24s %s%n", row.triple().binary(), row.triple().schema(),
                        row.triple().collection(), row.status());
            }
        }
        return 0;
    }

    record Matrix(String source, List<MatrixRow> rows) {
    }

    record MatrixRow(String binary, String schema, String collection, String status, int line) {
        static MatrixRow of(CompatMatrix.Row row) {
            return new MatrixRow(row.triple().binary(), row.triple().schema(), row.triple().collection(), row.status().name(), row.line());
        }
    }
}
