package dev.ragback.app.eval;

import dev.ragback.app.RagbackException;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code eval-quick}: the quick evaluation beside the baseline recorded in the newest golden set,
 * and, when asked and the evaluation passed, its mean scores recorded as that set's new baseline.
 */
public final class EvalQuickService {

    /**
     * One evaluation.
     *
     * @param result             the verdict, each metric carrying the golden set's baseline when one was recorded
     * @param goldenSet          id of the newest golden set; {@code null} when there is none
     * @param baselineRecordedAt when the baseline shown was recorded; {@code null} when none was
     * @param recorded           the baseline this run wrote; {@code null} when not asked or the evaluation did not pass
     */
    public record Run(EvalResult result, String goldenSet, String baselineRecordedAt, Manifest.EvalBaseline recorded) {
    }

    private final EvalService eval;
    private final SnapshotCatalog catalog;

    public EvalQuickService(EvalService eval, SnapshotCatalog catalog) {
        this.eval = eval;
        this.catalog = catalog;
    }

    /** The configured policy, to derive a changed one from. */
    public EvalPolicy policy() {
        return eval.policy();
    }

    /**
     * Runs the evaluation; with {@code recordBaseline}, first makes sure there is a golden set whose
     * manifest can be rewritten (INTEGRITY when there is no golden set: the evaluator is not run).
     */
    public Run run(EvalPolicy policy, boolean recordBaseline) {
        Optional<BackupsDir.Entry> golden = catalog.newestGolden();
        if (recordBaseline) {
            BackupsDir.Entry set = golden.orElseThrow(() -> new RagbackException(RagbackException.Kind.INTEGRITY,
                    "no golden snapshot set to record the baseline in; the evaluation was not run",
                    "take one: ragback snapshot create --golden, or mark a verified one: ragback snapshot promote ID"));
            catalog.checkRewritable(set.id());
        }
        Manifest manifest = golden.map(BackupsDir.Entry::manifest).orElse(null);
        EvalResult result = eval.evaluate(policy, manifest == null ? Map.of() : manifest.baselineScores());
        Manifest.EvalBaseline recorded = null;
        if (recordBaseline && result.passed()) {
            recorded = catalog.recordEvalBaseline(manifest.id(), means(result)).evalBaseline();
        }
        String shownAt = manifest == null || manifest.evalBaseline() == null || manifest.baselineScores().isEmpty()
                ? null : manifest.evalBaseline().recordedAt();
        return new Run(result, manifest == null ? null : manifest.id(), shownAt, recorded);
    }

    /** Every metric with a finite mean, gated or not. */
    private static Map<String, Double> means(EvalResult result) {
        Map<String, Double> means = new LinkedHashMap<>();
        for (MetricScore metric : result.metrics()) {
            if (metric.value() != null && Double.isFinite(metric.value())) {
                means.put(metric.metric(), metric.value());
            }
        }
        return means;
    }
}
