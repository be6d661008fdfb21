package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.checks.ShardCheck;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.port.ScoredPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", description = "Compare the live stores with a snapshot set (default: the newest golden one): "
        + "chunks and docs per model_id, points count, golden top-k probes, collection status, the set's rag_* tables present. Exit 3 names what differs.")
final class VerifyCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--snapshot", paramLabel = "ID", description = "The set to compare with.")
    String snapshot;

    VerifyCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        VerifyService.Report report = session.services().verify().verify(snapshot);
        report.warnings().forEach(session::warn);
        if (session.json()) {
            session.printJson(Verification.of(report));
        } else {
            render(session.out(), report);
        }
        if (!report.passed()) {
            report.problems().forEach(p -> session.err().println("differs: " + p));
            throw new RagbackException(RagbackException.Kind.GATE, "verify against " + report.snapshotId() + ": "
                    + report.problems().size() + " difference(s), listed above",
                    "restore the set: ragback snapshot restore " + report.snapshotId());
        }
        return ExitCodes.OK;
    }

    private static void render(PrintWriter out, VerifyService.Report report) {
        out.println("Verify against snapshot " + report.snapshotId());
        out.printf("  %-20s %12s %12s %12s %12s%n", "model_id", "chunks", "(set)", "docs", "(set)");
        for (VerifyService.CountRow row : report.counts()) {
            out.printf("  %-20s %12s %12s %12s %12s  %s%n", row.modelId(), row.live() == null ? "-" : row.live().chunks(),
                    row.baseline() == null ? "-" : row.baseline().chunks(), row.live() == null ? "-" : row.live().docs(),
                    row.baseline() == null ? "-" : row.baseline().docs(), row.equal() ? "ok" : "DIFFERS");
        }
        out.printf("  collection %s: %s, %s points (set: %d)%n", report.collection(), report.status(),
                report.livePoints() == null ? "-" : report.livePoints(), report.baselinePoints());
        for (ShardCheck.Row shard : report.shards()) {
            out.printf("  shard %-4s %-10s %10s points (set: %s)  %s  %s%n", shard.liveShard() == null ? "-" : shard.liveShard(),
                    shard.key() == null ? "" : "key " + shard.key(), shard.livePoints() == null ? "-" : shard.livePoints(),
                    shard.setPoints() == null ? "-" : shard.setPoints(), String.join(", ", shard.replicas()),
                    shard.equal() ? "ok" : shard.allActive() ? "DIFFERS" : "NOT ACTIVE");
        }
        double sum = 0;
        for (ProbeComparison.Outcome probe : report.probes()) {
            StringBuilder scores = new StringBuilder();
            for (ScoredPoint hit : probe.live()) {
                scores.append(String.format(Locale.ROOT, " %.4f", hit.score()));
            }
            out.printf(Locale.ROOT, "  probe %-8s top-k%s  mean %.4f (set %.4f) overlap %.2f  %s%n", probe.pointId(), scores,
                    probe.liveMean(), probe.baselineMean(), probe.overlap(), probe.passed() ? "ok" : probe.problem());
            sum += probe.liveMean();
        }
        if (!report.probes().isEmpty()) {
            out.printf(Locale.ROOT, "  average top-k score %.4f%n", sum / report.probes().size());
        }
        out.println(report.passed() ? "ok: both stores match the set" : "DIFFERENT: " + report.problems().size() + " difference(s)");
        out.flush();
    }

    record Verification(String snapshot, boolean passed, List<CountRow> counts, String collection, String status, Long points,
                        long baselinePoints, List<ProbeRow> probes, List<ShardRow> shards, List<String> problems, List<String> warnings) {
        static Verification of(VerifyService.Report report) {
            return new Verification(report.snapshotId(), report.passed(), report.counts().stream().map(CountRow::of).toList(),
                    report.collection(), report.status(), report.livePoints(), report.baselinePoints(),
                    report.probes().stream().map(ProbeRow::of).toList(), report.shards().stream().map(ShardRow::of).toList(),
                    report.problems(), report.warnings());
        }
    }

    /** A cluster shard, live and in the set ({@code shard_id} null: the live collection has no such shard). */
    record ShardRow(Integer shardId, int setShardId, Object shardKey, Long points, Long baselinePoints, List<String> replicas,
                    boolean allActive) {
        static ShardRow of(ShardCheck.Row row) {
            return new ShardRow(row.liveShard(), row.setShard(), row.key(), row.livePoints(), row.setPoints(), row.replicas(),
                    row.allActive());
        }
    }

    /** One model_id's chunks and docs, live and in the set; {@code null} where it has none. */
    record CountRow(String modelId, Long chunks, Long docs, Long baselineChunks, Long baselineDocs) {
        static CountRow of(VerifyService.CountRow row) {
            return new CountRow(row.modelId(), row.live() == null ? null : row.live().chunks(), row.live() == null ? null : row.live().docs(),
                    row.baseline() == null ? null : row.baseline().chunks(), row.baseline() == null ? null : row.baseline().docs());
        }
    }

    record ProbeRow(Object pointId, double overlap, double meanScore, double baselineMeanScore, boolean passed) {
        static ProbeRow of(ProbeComparison.Outcome probe) {
            return new ProbeRow(probe.pointId(), probe.overlap(), probe.liveMean(), probe.baselineMean(), probe.passed());
        }
    }
}
