package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.EvalRunner;

import java.util.ArrayList;
import java.util.List;

/** Evaluator that "prints" a canned text, or fails; remembers how many queries it was asked for. */
public final class FakeEvalRunner implements EvalRunner {
    public final List<Integer> asked = new ArrayList<>();
    public String output = "";
    public String source = "stdout";
    public RagbackException failure;

    public FakeEvalRunner printing(String text) {
        this.output = text;
        return this;
    }

    @Override
    public Output run(int queries) {
        asked.add(queries);
        if (failure != null) {
            throw failure;
        }
        return new Output(output, source);
    }

    @Override
    public String describe() {
        return "fake-evaluator";
    }
}
