package dev.ragback.cli.snapshot;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Sizes;
import dev.ragback.app.snapshot.SnapshotVerifier;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "verify", description = "Check size and sha256 of every file of a set against its manifest "
        + "(default: the newest set), and the manifest's signature when RAGBACK_SIGNING_KEY is set. "
        + "Exit 5 names each damaged file.")
final class SnapshotVerifyCommand implements Callable<Integer> {
    private final Session session;

    static final class Which {
        @Parameters(paramLabel = "ID", description = "Set id (see: ragback snapshot list).")
        String id;

        @Option(names = "--all", description = "Verify every complete set.")
        boolean all;
    }

    @ArgGroup(exclusive = true)
    Which which;

    @Option(names = "--deep", description = "Also read the whole dump with pg_restore, as a restore would.")
    boolean deep;

    SnapshotVerifyCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        SnapshotVerifier verifier = session.services().snapshotVerifier();
        List<String> ids = which != null && which.all ? verifier.completeIds()
                : List.of(which != null && which.id != null ? which.id : verifier.newestId());
        List<SnapshotVerifier.SetCheck> checks = new ArrayList<>();
        for (String id : ids) {
            checks.add(verifier.verify(id, deep));
        }
        List<String> problems = checks.stream().flatMap(c -> c.problems().stream()).toList();
        if (session.json()) {
            session.printJson(new Verified(checks.stream().map(SetRow::of).toList(), problems.isEmpty()));
        } else {
            for (SnapshotVerifier.SetCheck check : checks) {
                if (check.signatureChecked()) {
                    session.out().printf("%-4s %s  manifest signature%s%n", check.signatureProblem() == null ? "ok" : "BAD",
                            check.id(), check.signatureProblem() == null ? "" : ": " + check.signatureProblem());
                }
                for (SnapshotVerifier.FileCheck file : check.files()) {
                    session.out().printf("%-4s %s/%s  %s%s%n", file.ok() ? "ok" : "BAD", check.id(), file.path(),
                            Sizes.human(file.size()), file.ok() ? "" : "  " + session.forPerson(file.problem()));
                }
                if (check.deep()) {
                    session.out().printf("%-4s %s  pg_restore read the whole dump%s%n", check.deepProblem() == null ? "ok" : "BAD",
                            check.id(), check.deepProblem() == null ? "" : ": " + check.deepProblem());
                }
            }
        }
        if (!problems.isEmpty()) {
            // the BAD lines above name each problem; with --json, stdout is the document, so the first is named here
            String which = session.json() ? ": " + problems.get(0) : ", listed above (BAD)";
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "snapshot verify: " + problems.size() + " problem(s)" + which,
                    "do not restore from a damaged set; pick another: ragback snapshot list");
        }
        if (ids.isEmpty()) {
            session.warn("no complete snapshot set to verify");
        }
        return ExitCodes.OK;
    }

    /** One set's verdict: {@code signature} is {@code unchecked} (no signing key), {@code ok} or {@code bad}. */
    record SetRow(String id, boolean ok, List<FileRow> files, boolean deep, String deepProblem, String signature,
                  String signatureProblem) {
        static SetRow of(SnapshotVerifier.SetCheck check) {
            return new SetRow(check.id(), check.ok(), check.files().stream().map(f -> new FileRow(f.path(), f.size(), f.ok(), f.problem()))
                    .toList(), check.deep(), check.deepProblem(), !check.signatureChecked() ? "unchecked"
                    : check.signatureProblem() == null ? "ok" : "bad", check.signatureProblem());
        }
    }

    record FileRow(String path, long size, boolean ok, String problem) {
    }

    /** {@code --json}: every set checked, then whether all of them passed. */
    record Verified(List<SetRow> sets, boolean ok) {
    }
}
