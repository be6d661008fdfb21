package dev.ragback.app.checks;

import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.snapshot.Manifest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeComparisonTest {
    private final ProbeComparison rule = new ProbeComparison(0.8, 0.05);

    /** As read back from manifest.json: small integer ids are Integers. */
    private static final Manifest.Probe BASELINE = new Manifest.Probe(17, 5, List.of(
            new Manifest.ProbeHit(17, 1.0), new Manifest.ProbeHit(3, 0.9), new Manifest.ProbeHit(8, 0.9),
            new Manifest.ProbeHit(21, 0.8), new Manifest.ProbeHit(40, 0.9)), 0.9);

    private static List<ScoredPoint> hits(Object... idsAndScores) {
        List<ScoredPoint> hits = new java.util.ArrayList<>();
        for (int i = 0; i < idsAndScores.length; i += 2) {
            hits.add(new ScoredPoint(idsAndScores[i], ((Number) idsAndScores[i + 1]).doubleValue()));
        }
        return hits;
    }

    @Test
    void sameIdsAndScoresPassWithLongIdsFromTheStore() {
        ProbeComparison.Outcome outcome = rule.compare(BASELINE, hits(17L, 1.0, 3L, 0.9, 8L, 0.9, 21L, 0.8, 40L, 0.9));
        assertTrue(outcome.passed(), outcome.problem());
        assertEquals(1.0, outcome.overlap());
        assertEquals(0.0, outcome.scoreChange(), 1e-12);
        assertEquals(17L, outcome.pointId());
    }

    @Test
    void fourOfFiveIdsIsExactlyTheDefaultOverlapAndPasses() {
        ProbeComparison.Outcome outcome = rule.compare(BASELINE, hits(17L, 1.0, 3L, 0.9, 8L, 0.9, 21L, 0.8, 99L, 0.9));
        assertEquals(0.8, outcome.overlap(), 1e-12);
        assertTrue(outcome.passed(), outcome.problem());
    }

    @Test
    void threeOfFiveIdsFails() {
        ProbeComparison.Outcome outcome = rule.compare(BASELINE, hits(17L, 1.0, 3L, 0.9, 8L, 0.9, 98L, 0.8, 99L, 0.9));
        assertFalse(outcome.passed());
        assertEquals("overlap 0.60 < 0.80", outcome.problem());
    }

    @Test
    void meanScoreMayMoveFivePercentAndNoMore() {
        assertTrue(rule.compare(BASELINE, hits(17L, 0.95, 3L, 0.85, 8L, 0.85, 21L, 0.75, 40L, 0.875)).passed(), "-5 %");
        ProbeComparison.Outcome outcome = rule.compare(BASELINE, hits(17L, 0.9, 3L, 0.8, 8L, 0.8, 21L, 0.7, 40L, 0.8));
        assertFalse(outcome.passed());
        assertEquals("mean score 0.8000 vs 0.9000 (11.1 % > 5.0 %)", outcome.problem());
    }

    @Test
    void bothProblemsAreNamed() {
        ProbeComparison.Outcome outcome = rule.compare(BASELINE, hits(90L, 0.1));
        assertEquals("overlap 0.00 < 0.80, mean score 0.1000 vs 0.9000 (88.9 % > 5.0 %)", outcome.problem());
    }

    @Test
    void uuidIdsCompareWithoutRegardToCase() {
        Manifest.Probe probe = new Manifest.Probe("5C56C793-69F3-4FBF-87E6-C4BF54C28C26", 1,
                List.of(new Manifest.ProbeHit("5C56C793-69F3-4FBF-87E6-C4BF54C28C26", 1.0)), 1.0);
        assertTrue(rule.compare(probe, hits("5c56c793-69f3-4fbf-87e6-c4bf54c28c26", 1.0)).passed());
    }

    @Test
    void aMissingPointFails() {
        ProbeComparison.Outcome outcome = rule.missing(BASELINE);
        assertFalse(outcome.found());
        assertEquals("point is missing", outcome.problem());
    }
}
