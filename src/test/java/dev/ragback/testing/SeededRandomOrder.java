package dev.ragback.testing;

import org.junit.jupiter.api.MethodDescriptor;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;

import java.util.Collections;
import java.util.Comparator;

/**
 * The suite's default method order: random, from one seed per JVM that is printed once, so an
 * order-dependent test shows up on any machine and its order can be replayed with
 * {@code -Dragback.test.seed=N} ({@code make test SEED=N} passes it to surefire's class order too).
 */
public final class SeededRandomOrder implements MethodOrderer {
    public static final String SEED_PROPERTY = "ragback.test.seed";
    private static final long SEED = chooseSeed();

    private static long chooseSeed() {
        String given = System.getProperty(SEED_PROPERTY, "").strip();
        long seed = given.isEmpty() ? System.nanoTime() : Long.parseLong(given);
        System.err.println("test method order: random, seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed + ")");
        return seed;
    }

    @Override
    public void orderMethods(MethodOrdererContext context) {
        // sorted first, so the same seed gives the same order whatever order reflection returned
        context.getMethodDescriptors().sort(Comparator.comparing(SeededRandomOrder::key));
        Collections.shuffle(context.getMethodDescriptors(), new java.util.Random(SEED ^ context.getTestClass().getName().hashCode()));
    }

    private static String key(MethodDescriptor method) {
        return method.getMethod().getName() + method.getMethod().toGenericString();
    }
}
