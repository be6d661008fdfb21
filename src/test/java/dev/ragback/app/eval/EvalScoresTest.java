package dev.ragback.app.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** eval-quick's table: value, threshold and baseline with the same number of decimals. */
class EvalScoresTest {
    @Test
    void scoresOfOneTableShareTheirDecimals() {
        assertEquals(List.of("0.8433", "0.8000", "0.9100", "-"), EvalResult.scores(Arrays.asList(0.8433, 0.8, 0.91, null)));
        assertEquals(List.of("0.80", "0.70", "1.00"), EvalResult.scores(List.of(0.8, 0.7, 1.0)));
        assertEquals(List.of("0.12346", "NaN").get(1), EvalResult.scores(Arrays.asList(0.123456, Double.NaN)).get(1));
        assertEquals("0.1235", EvalResult.scores(List.of(0.123456)).get(0));
    }
}
