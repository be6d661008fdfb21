package dev.ragback.testing;

import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rollback tests' golden set ({@link RollbackStage#goldenSet}), made once for the annotated class
 * and dropped after it: a {@link GoldenSet} parameter of a lifecycle or test method receives it; each
 * test then starts from a copy with {@link RollbackStage#fromGoldenSet} (same {@link #chunks}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({PostgresExtension.class, RollbackGoldenSetExtension.class})
public @interface RollbackGoldenSet {
    /** Chunks in PostgreSQL and points in Qdrant. */
    int chunks();
}
