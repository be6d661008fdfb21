package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatMatrix;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "lint", description = "Check the matrix: exit 2 naming the first malformed line; duplicates are warnings.")
final class CompatLintCommand implements Callable<Integer> {
    private final Session session;

    CompatLintCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CompatMatrix matrix = session.services().compat().load();
        matrix.warnings().forEach(session::warn);
        if (session.json()) {
            session.printJson(new Lint(matrix.source(), true, matrix.rows().size(), matrix.warnings()));
        } else {
            session.out().printf("%s: %d rows, valid%n", matrix.source(), matrix.rows().size());
        }
        return 0;
    }

    record Lint(String source, boolean valid, int rows, List<String> warnings) {
    }
}
