package dev.ragback.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ragback.app.RagbackException;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.port.EvalRunner;

import java.util.Map;
import java.util.Set;

/** The evaluator's output through the eval use case: EvalOutputReader, then the aggregation. */
class EvalOutputFuzzTest {
    private static final EvalPolicy POLICY = new EvalPolicy(20, Map.of("faithfulness", 0.80), 0.10);

    @FuzzTest(maxDuration = "60s")
    void read(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        EvalService service = new EvalService(new FixedOutput(text), POLICY);
        TypedErrors.only(Set.of(RagbackException.Kind.EXTERNAL), service::evaluate);
    }

    private record FixedOutput(String text) implements EvalRunner {
        @Override
        public Output run(int queries) {
            return new Output(text, "stdout");
        }

        @Override
        public String describe() {
            return "fuzz";
        }
    }
}
