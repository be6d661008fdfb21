package dev.ragback.testing.reliability;

/** What a scenario test saw; injected by {@link ScenarioExtension}, filled by the test. */
public final class ScenarioOutcome {
    private String observed = "";
    private Boolean dataIntact;

    /** What happened, e.g. "exit 130, resume exit 0, verify exit 0". */
    public ScenarioOutcome observed(String text) {
        this.observed = text;
        return this;
    }

    /** Whether the stores (and the audit trail) were intact afterwards, checked by the test. */
    public ScenarioOutcome dataIntact(boolean intact) {
        this.dataIntact = intact;
        return this;
    }

    String observed() {
        return observed;
    }

    Boolean dataIntact() {
        return dataIntact;
    }
}
