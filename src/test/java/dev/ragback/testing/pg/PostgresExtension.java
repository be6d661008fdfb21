package dev.ragback.testing.pg;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Locale;

/**
 * Injects the shared {@link ThrowawayPostgres} and a {@link PgDatabase} created fresh for each
 * test class ({@code ragdb_<simple class name>}), into constructors, lifecycle and test methods.
 * The cluster is started again before injection if an earlier test left it stopped.
 */
public final class PostgresExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final int MAX_NAME = 63;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ThrowawayPostgres.class || type == PgDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ThrowawayPostgres postgres = ThrowawayPostgres.shared();
        if (parameter.getParameter().getType() == ThrowawayPostgres.class) {
            return postgres;
        }
        return database(context);
    }

    /** The test class's database, as a {@link PgDatabase} parameter receives it (for other extensions). */
    public static PgDatabase database(ExtensionContext context) {
        ThrowawayPostgres postgres = ThrowawayPostgres.shared();
        Class<?> testClass = context.getRequiredTestClass();
        // stored per test class, so every test of the class sees the same database
        return classContext(context).getStore(NAMESPACE)
                .getOrComputeIfAbsent(testClass, type -> createDatabase(postgres, testClass), PgDatabase.class);
    }

    /** The class-level context of {@code context} (a test method's, or a parameterized test's invocation's, parent). */
    public static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    static String databaseNameFor(Class<?> testClass) {
        String name = "ragdb_" + testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    private static PgDatabase createDatabase(ThrowawayPostgres postgres, Class<?> testClass) {
        String name = databaseNameFor(testClass);
        postgres.createDatabase(name);
        return new PgDatabase(name, postgres.connection(name), postgres.env(name));
    }
}
