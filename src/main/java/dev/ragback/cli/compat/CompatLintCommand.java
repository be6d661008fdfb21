package dev.ragback.cli.compat;

import dev.ragback.app.compat.CompatService;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "lint", description = "Check the matrix: exit 2 naming the first malformed line; duplicates are warnings.")
final class CompatLintCommand implements Callable<Integer> {
    private final Session session;

    CompatLintCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CompatService.LintReport report = session.services().compat().lint();
        report.warnings().forEach(session::warn);
        if (session.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("source", report.matrix().source());
            out.put("valid", true);
            out.put("rows", report.matrix().rows().size());
            out.put("warnings", report.warnings());
            session.printJson(out);
        } else {
            session.out().printf("%s: %d rows, valid%n", report.matrix().source(), report.matrix().rows().size());
        }
        return 0;
    }
}
