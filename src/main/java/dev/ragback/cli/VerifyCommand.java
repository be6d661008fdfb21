package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.ProbeComparison;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.port.ScoredPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
            session.printJson(json(report));
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
        for (dev.ragback.app.checks.ShardCheck.Row shard : report.shards()) {
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

    private static Map<String, Object> json(VerifyService.Report report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("snapshot", report.snapshotId());
        out.put("passed", report.passed());
        out.put("counts", report.counts().stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model_id", r.modelId());
            row.put("chunks", r.live() == null ? null : r.live().chunks());
            row.put("docs", r.live() == null ? null : r.live().docs());
            row.put("baseline_chunks", r.baseline() == null ? null : r.baseline().chunks());
            row.put("baseline_docs", r.baseline() == null ? null : r.baseline().docs());
            return row;
        }).toList());
        out.put("collection", report.collection());
        out.put("status", report.status());
        out.put("points", report.livePoints());
        out.put("baseline_points", report.baselinePoints());
        out.put("probes", report.probes().stream().map(p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("point_id", p.pointId());
            row.put("overlap", p.overlap());
            row.put("mean_score", p.liveMean());
            row.put("baseline_mean_score", p.baselineMean());
            row.put("passed", p.passed());
            return row;
        }).toList());
        out.put("shards", report.shards().stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("shard_id", r.liveShard());
            row.put("set_shard_id", r.setShard());
            row.put("shard_key", r.key());
            row.put("points", r.livePoints());
            row.put("baseline_points", r.setPoints());
            row.put("replicas", r.replicas());
            row.put("all_active", r.allActive());
            return row;
        }).toList());
        out.put("problems", report.problems());
        out.put("warnings", report.warnings());
        return out;
    }
}
