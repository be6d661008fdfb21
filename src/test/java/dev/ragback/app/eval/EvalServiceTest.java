package dev.ragback.app.eval;

import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeEvalRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalServiceTest {
    private static final EvalPolicy DEFAULTS = new EvalPolicy(20, Map.of("faithfulness", 0.80), 0.10);

    private final FakeEvalRunner runner = new FakeEvalRunner();
    private final EvalService service = new EvalService(runner, DEFAULTS);

    private EvalResult evaluate(String output) {
        runner.printing(output);
        return service.evaluate();
    }

    private static MetricScore metric(EvalResult result, String name) {
        return result.metrics().stream().filter(m -> m.metric().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + result));
    }

    /** {@code n} rows of faithfulness {@code score}, the first {@code nans} of them NaN. */
    private static String rows(int n, String score, int nans) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add("{\"id\": \"q" + i + "\", \"faithfulness\": " + (i < nans ? "NaN" : score) + "}");
        }
        return "[" + String.join(",\n", rows) + "]";
    }

    @Test
    void objectOfMeanScoresPassesAndShowsUngatedScores() {
        EvalResult result = evaluate("{\"faithfulness\": 0.84, \"answer_relevancy\": 0.9}");

        assertEquals(EvalResult.Outcome.PASSED, result.outcome());
        assertEquals(EvalResult.Shape.MEANS, result.shape());
        assertEquals(List.of(20), runner.asked);
        assertEquals(List.of("faithfulness", "answer_relevancy"), result.metrics().stream().map(MetricScore::metric).toList());
        MetricScore faithfulness = metric(result, "faithfulness");
        assertEquals(0.84, faithfulness.value());
        assertEquals(0.80, faithfulness.threshold());
        assertNull(faithfulness.baseline());
        assertEquals(true, faithfulness.pass());
        MetricScore relevancy = metric(result, "answer_relevancy");
        assertEquals(MetricScore.Status.UNGATED, relevancy.status());
        assertNull(relevancy.threshold());
        assertNull(relevancy.pass());
        assertEquals(1, result.rows());
        assertEquals(1, result.validRows());
        assertEquals("", result.failureSummary());
    }

    @Test
    void meanBelowThresholdFailsNamingValueAndThreshold() {
        EvalResult result = evaluate("{\"faithfulness\": 0.79}");
        assertEquals(EvalResult.Outcome.FAILED, result.outcome());
        assertEquals(false, metric(result, "faithfulness").pass());
        assertEquals("faithfulness 0.79 < 0.80", result.failureSummary());
    }

    @Test
    void rowsAreAveragedPerMetricAndNonScoreFieldsAreNotMetrics() {
        EvalResult result = evaluate("""
                [{"id": 1, "question": "q1", "faithfulness": 1.0, "answer_relevancy": 0.5},
                 {"id": 2, "question": "q2", "faithfulness": 0.5, "answer_relevancy": 1},
                 {"id": 3, "question": "q3", "faithfulness": 0.75, "answer_relevancy": 0.6}]""");

        assertEquals(EvalResult.Shape.ROWS, result.shape());
        assertEquals(0.75, metric(result, "faithfulness").value(), 1e-12);
        assertEquals(0.7, metric(result, "answer_relevancy").value(), 1e-12);
        assertEquals(List.of("faithfulness", "answer_relevancy"), result.metrics().stream().map(MetricScore::metric).toList(),
                "id counts past 1 and question is text: neither is a score");
        assertEquals(EvalResult.Outcome.FAILED, result.outcome(), "0.75 < 0.80");
        assertEquals(3, result.rows());
        assertEquals(3, result.validRows());
        assertEquals(List.of("the evaluator returned 3 rows for 20 queries"), result.warnings());
    }

    @Test
    void rowsObjectAndJsonLinesReadLikeAList() {
        String list = "[{\"faithfulness\": 0.9}, {\"faithfulness\": 0.7}, {\"faithfulness\": 0.95}]";
        String wrapped = "{\"rows\": " + list + "}";
        String jsonLines = "{\"faithfulness\": 0.9}\n{\"faithfulness\": 0.7}\n\n{\"faithfulness\": 0.95}\n";
        for (String output : List.of(list, wrapped, jsonLines)) {
            EvalResult result = evaluate(output);
            assertEquals(EvalResult.Shape.ROWS, result.shape(), output);
            assertEquals(3, result.rows(), output);
            assertEquals(0.85, metric(result, "faithfulness").value(), 1e-12, output);
            assertTrue(result.passed(), output);
        }
    }

    @Test
    void nanNullTextMissingAndOutOfRangeScoresAreInvalidRows() {
        EvalService lenient = new EvalService(runner, new EvalPolicy(20, Map.of("faithfulness", 0.80), 1.0));
        runner.printing("""
                [{"faithfulness": 0.9}, {"faithfulness": NaN}, {"faithfulness": null}, {"faithfulness": 1.2},
                 {"faithfulness": -0.1}, {"faithfulness": "0.9"}, {"faithfulness": Infinity}, {"faithfulness": -Infinity},
                 {"other": 0.5}, {"faithfulness": 0.8}]""");
        EvalResult result = lenient.evaluate();

        MetricScore faithfulness = metric(result, "faithfulness");
        assertEquals(2, faithfulness.valid());
        assertEquals(8, faithfulness.invalid());
        assertEquals(0.85, faithfulness.value(), 1e-12, "only the valid rows are averaged");
        assertEquals(2, result.validRows());
        assertEquals(8, result.invalidRows());
        assertEquals(EvalResult.Outcome.PASSED, result.outcome(), "80 % invalid is within max_invalid 100 %");
        assertTrue(result.warnings().get(0).startsWith("faithfulness: 8 of 10 rows have no valid score"), result.warnings().toString());
    }

    @Test
    void threeNanOfTwentyIsInconclusiveTwoIsAPassWithAWarning() {
        EvalResult three = evaluate(rows(20, "0.9", 3));
        assertEquals(EvalResult.Outcome.INCONCLUSIVE, three.outcome());
        assertEquals(MetricScore.Status.INCONCLUSIVE, metric(three, "faithfulness").status());
        assertNull(metric(three, "faithfulness").pass());
        assertEquals(17, three.validRows());
        assertEquals(3, three.invalidRows());
        assertEquals("faithfulness has 3 of 20 rows invalid (15 % > 10 %)", three.failureSummary());

        EvalResult two = evaluate(rows(20, "0.9", 2));
        assertEquals(EvalResult.Outcome.PASSED, two.outcome(), "10 % is not more than eval.max_invalid 10 %");
        assertEquals(1, two.warnings().size());
    }

    @Test
    void aNanMeanIsInconclusive() {
        EvalResult result = evaluate("{\"faithfulness\": NaN}");
        assertEquals(EvalResult.Outcome.INCONCLUSIVE, result.outcome());
        assertNull(metric(result, "faithfulness").value());
        assertEquals("faithfulness has no valid score in 1 rows", result.failureSummary());
    }

    @Test
    void aGatedMetricMissingFromTheOutputFailsThatMetric() {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("faithfulness", 0.80);
        thresholds.put("answer_relevancy", 0.70);
        runner.printing("[{\"faithfulness\": 0.9}, {\"faithfulness\": 0.85}]");
        EvalResult result = service.evaluate(new EvalPolicy(2, thresholds, 0.10), Map.of());

        assertEquals(EvalResult.Outcome.FAILED, result.outcome());
        assertEquals(MetricScore.Status.PASS, metric(result, "faithfulness").status());
        MetricScore missing = metric(result, "answer_relevancy");
        assertEquals(MetricScore.Status.MISSING, missing.status());
        assertEquals(false, missing.pass());
        assertNull(missing.value());
        assertEquals("answer_relevancy missing from the evaluator's output (threshold 0.70)", result.failureSummary());
        assertEquals(2, result.validRows(), "a metric that is absent everywhere does not make rows invalid");
    }

    @Test
    void failedBeatsInconclusiveAndTheSummaryNamesBoth() {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("faithfulness", 0.80);
        thresholds.put("answer_relevancy", 0.70);
        runner.printing("[{\"faithfulness\": NaN, \"answer_relevancy\": 0.5}, {\"faithfulness\": 0.9, \"answer_relevancy\": 0.6}]");
        EvalResult result = service.evaluate(new EvalPolicy(2, thresholds, 0.10), null);

        assertEquals(EvalResult.Outcome.FAILED, result.outcome());
        assertEquals("faithfulness has 1 of 2 rows invalid (50 % > 10 %); answer_relevancy 0.55 < 0.70", result.failureSummary());
    }

    @Test
    void overridesChangeQueriesAndTheFaithfulnessThreshold() {
        runner.printing("{\"faithfulness\": 0.84}");
        EvalPolicy stricter = service.policy().withQueries(5).withThreshold(EvalPolicy.FAITHFULNESS, 0.9);
        EvalResult result = service.evaluate(stricter, Map.of());

        assertEquals(List.of(5), runner.asked);
        assertEquals(0.9, metric(result, "faithfulness").threshold());
        assertEquals(EvalResult.Outcome.FAILED, result.outcome());
        assertEquals("faithfulness 0.84 < 0.90", result.failureSummary());
        assertEquals(DEFAULTS, service.policy(), "the configured policy is unchanged");
        assertEquals(DEFAULTS, DEFAULTS.withQueries(null).withThreshold(EvalPolicy.FAITHFULNESS, null));

        EvalPolicy added = new EvalPolicy(20, Map.of("answer_relevancy", 0.7), 0.1).withThreshold(EvalPolicy.FAITHFULNESS, 0.8);
        assertEquals(Map.of("answer_relevancy", 0.7, "faithfulness", 0.8), added.thresholds());
    }

    @Test
    void baselineIsShownBesideItsMetric() {
        runner.printing("{\"faithfulness\": 0.84, \"answer_relevancy\": 0.9}");
        EvalResult result = service.evaluate(DEFAULTS, Map.of("faithfulness", 0.88));
        assertEquals(0.88, metric(result, "faithfulness").baseline());
        assertNull(metric(result, "answer_relevancy").baseline());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Traceback (most recent call last):\n  File \"eval.py\", line 3",
        "Evaluating: 100%|██████████| 20/20\n{\"faithfulness\": 0.9}",
        "{'faithfulness': 0.84}",
        "{\"faithfulness\": 0.84} trailing words"})
    void outputThatIsNotJsonFailsExternalQuotingItsStartOnOneLine(String output) {
        RagbackException e = assertThrows(RagbackException.class, () -> evaluate(output));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("the evaluator's stdout is not JSON: '"), e.getMessage());
        String start = output.strip().replaceAll("\\s+", " ");
        assertTrue(e.getMessage().contains(start.substring(0, Math.min(20, start.length()))), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertTrue(e.hint().contains("{output}"), e.hint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"ok\"", "42", "[1, 2]", "[]", "{\"error\": \"rate limited\"}", "{\"rows\": []}", "", "  \n"})
    void jsonOfTheWrongShapeOrNothingFailsExternal(String output) {
        RagbackException e = assertThrows(RagbackException.class, () -> evaluate(output));
        assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().startsWith("the evaluator's stdout"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void theMessageNamesTheOutputFileWhenTheEvaluatorWroteOne() {
        runner.source = "{output} file";
        RagbackException e = assertThrows(RagbackException.class, () -> evaluate("nope"));
        assertEquals("the evaluator's {output} file is not JSON: 'nope' (expected {\"faithfulness\": 0.84} or a list of per-query rows)",
                e.getMessage());
    }

    @Test
    void aRunnerFailurePropagates() {
        runner.failure = new RagbackException(RagbackException.Kind.EXTERNAL, "evaluator timed out after 10m");
        RagbackException e = assertThrows(RagbackException.class, service::evaluate);
        assertEquals("evaluator timed out after 10m", e.getMessage());
    }

    @Test
    void scoresAndSharesPrintTheWayPeopleWriteThem() {
        assertEquals("0.80", EvalResult.score(0.8));
        assertEquals("0.84", EvalResult.score(0.84));
        assertEquals("1.00", EvalResult.score(1.0));
        assertEquals("0.8433", EvalResult.score(0.843333333));
        assertEquals("-", EvalResult.score(null));
        assertEquals("15 %", EvalResult.percent(0.15));
        assertEquals("10 %", EvalResult.percent(0.10));
        assertEquals("3.3 %", EvalResult.percent(1.0 / 30));
    }
}
