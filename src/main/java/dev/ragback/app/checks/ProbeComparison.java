package dev.ragback.app.checks;

import dev.ragback.app.Background;
import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.Probes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rule that proves a live collection behaves like a snapshot set's golden probes (SPEC
 * section 5): re-run each probe (the probe point's own vector, exact top-k) and require that at
 * least {@code minOverlap} of the recorded ids come back and that the mean score moved by at most
 * {@code scoreTolerance} relative to the recorded one. A probe point that is gone fails.
 * Used by {@code smoke} and {@code verify}.
 */
public final class ProbeComparison {
    // 4 of 5 ids is exactly 0.8; keep floating-point noise from failing a probe on the boundary
    private static final double EPSILON = 1e-9;

    private final double minOverlap;
    private final double scoreTolerance;

    /**
     * @param minOverlap     share of a probe's recorded ids that must come back (smoke.min_overlap)
     * @param scoreTolerance allowed relative change of a probe's mean score (smoke.score_tolerance)
     */
    public ProbeComparison(double minOverlap, double scoreTolerance) {
        this.minOverlap = minOverlap;
        this.scoreTolerance = scoreTolerance;
    }

    public double minOverlap() {
        return minOverlap;
    }

    public double scoreTolerance() {
        return scoreTolerance;
    }

    /**
     * One probe, recorded and live.
     *
     * @param pointId      the probe point
     * @param found        false when the probe point (or its vector) is gone: nothing was searched, and
     *                     overlap, live mean and score change are 0
     * @param overlap      share of the recorded ids among the live hits, 0 to 1
     * @param baselineMean the recorded mean score
     * @param liveMean     the live mean score
     * @param scoreChange  |live - recorded| / |recorded| (absolute when the recorded mean is 0)
     * @param live         the live hits, best first
     * @param problem      why it fails, or {@code null} when it passes
     */
    public record Outcome(Object pointId, boolean found, double overlap, double baselineMean, double liveMean,
                          double scoreChange, List<ScoredPoint> live, String problem) {

        public boolean passed() {
            return problem == null;
        }
    }

    /** Re-runs every probe against {@code collection}; fails EXTERNAL when the store cannot be asked. */
    public List<Outcome> replay(VectorStore store, String collection, String vectorName, List<Manifest.Probe> probes) {
        return Background.map("probe", probes, Probes.PARALLEL_QUERIES, probe -> {
            Optional<float[]> vector = store.vector(collection, pointId(probe.pointId()), vectorName);
            return vector.isEmpty() ? missing(probe) : compare(probe, store.exactSearch(collection, vector.get(), vectorName, probe.k()));
        });
    }

    /** Applies the rule to a probe's recorded results and its live hits. */
    public Outcome compare(Manifest.Probe baseline, List<ScoredPoint> live) {
        Set<Object> recorded = new HashSet<>();
        baseline.results().forEach(hit -> recorded.add(pointId(hit.id())));
        long kept = live.stream().map(hit -> pointId(hit.id())).distinct().filter(recorded::contains).count();
        double overlap = recorded.isEmpty() ? 1.0 : (double) kept / recorded.size();
        double liveMean = live.stream().mapToDouble(ScoredPoint::score).average().orElse(0);
        double base = baseline.meanScore();
        double change = base == 0 ? Math.abs(liveMean) : Math.abs(liveMean - base) / Math.abs(base);
        List<String> problems = new ArrayList<>();
        if (overlap + EPSILON < minOverlap) {
            problems.add(String.format(Locale.ROOT, "overlap %.2f < %.2f", overlap, minOverlap));
        }
        if (change - EPSILON > scoreTolerance) {
            problems.add(String.format(Locale.ROOT, "mean score %.4f vs %.4f (%s > %s)", liveMean, base,
                    percent(change), percent(scoreTolerance)));
        }
        return new Outcome(pointId(baseline.pointId()), true, overlap, base, liveMean, change, List.copyOf(live),
                problems.isEmpty() ? null : String.join(", ", problems));
    }

    /** The outcome of a probe whose point is gone. */
    public Outcome missing(Manifest.Probe baseline) {
        return new Outcome(pointId(baseline.pointId()), false, 0, baseline.meanScore(), 0, 0, List.of(), "point is missing");
    }

    /** A change as a percentage, e.g. {@code 1.5 %}. */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    /**
     * A point id as the store takes it: a manifest read back from JSON holds small integers as
     * {@link Integer}, the store gives {@link Long}; UUIDs compare case-insensitively.
     */
    public static Object pointId(Object id) {
        if (id instanceof Number number) {
            return number.longValue();
        }
        return id == null ? null : id.toString().toLowerCase(Locale.ROOT);
    }
}
