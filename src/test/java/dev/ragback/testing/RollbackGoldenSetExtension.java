package dev.ragback.testing;

import dev.ragback.blackbox.BlackBox;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Resolves {@link GoldenSet} for a class annotated {@link RollbackGoldenSet}: made on first use, dropped when the class ends.
 * Tagged black-box because it runs the CLI (TestTiersTest): only black-box classes use it.
 */
@BlackBox
public final class RollbackGoldenSetExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RollbackGoldenSetExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GoldenSet.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        int chunks = testClass.getAnnotation(RollbackGoldenSet.class).chunks();
        return PostgresExtension.classContext(context).getStore(NAMESPACE)
                .getOrComputeIfAbsent(testClass, type -> new Made(make(context, chunks)), Made.class).set;
    }

    private static GoldenSet make(ExtensionContext context, int chunks) {
        try {
            return RollbackStage.goldenSet(ThrowawayPostgres.shared(), PostgresExtension.database(context), chunks, RagbackCli.create());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dropped by JUnit with the class's store. */
    private record Made(GoldenSet set) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            set.drop();
        }
    }
}
