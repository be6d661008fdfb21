package dev.ragback.testing.reliability;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A reliability scenario: what a test breaks and what it expects. {@link ScenarioExtension}
 * writes one row per run to {@code target/reliability/scenarios.jsonl}; {@code make reliability}
 * prints them as a table.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ScenarioExtension.class)
@Tag("reliability")
public @interface Scenario {
    /** What was broken, e.g. "kill -9 during restore (PostgreSQL half)". */
    String broken();

    /** The promised outcome, e.g. "--resume ends green, both stores equal the golden set". */
    String expected();
}
