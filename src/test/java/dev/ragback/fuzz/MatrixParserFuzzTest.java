package dev.ragback.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.MatrixParser;

import java.util.Set;

class MatrixParserFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        TypedErrors.only(Set.of(RagbackException.Kind.MALFORMED_INPUT), () -> new MatrixParser().parse(text, "compat/matrix.md"));
    }
}
