package dev.ragback.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The one retry loop. A call is tried up to {@link Policy#attempts()} times; between two tries it waits
 * what the try asked for (e.g. a server's Retry-After), else a backoff that doubles after each wait.
 * With a deadline, no wait may end past it. Each try says how it went: {@link #done} ends the loop
 * with a value; {@link #again} asks for another try and says what to do when none is left (the tries
 * ran out, or the deadline would pass); anything the try throws ends the loop at once. Checked
 * exceptions stay inside a try (a caller that must throw one wraps it, e.g. in UncheckedIOException).
 */
public final class Retry {
    private Retry() {
    }

    /** Waits before the next try; a seam so tests see the waits without taking them. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration wait);
    }

    /**
     * How often and how patiently.
     *
     * @param attempts     at most this many tries (1 = no retry)
     * @param firstBackoff the wait before the second try when the try names none; doubled after each wait
     */
    public record Policy(int attempts, Duration firstBackoff) {
        public Policy {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            if (firstBackoff.isNegative()) {
                throw new IllegalArgumentException("backoff must not be negative");
            }
        }
    }

    /** Which try this is: {@code number} of at most {@code of}. */
    public record Attempt(int number, int of) {
        public boolean last() {
            return number >= of;
        }
    }

    /** What to do when another try was wanted but none is left. */
    @FunctionalInterface
    public interface GiveUp<T> {
        /** @param outOfTime the deadline would pass before the next try (else: the tries ran out) */
        T giveUp(boolean outOfTime);
    }

    /** One try. */
    @FunctionalInterface
    public interface Try<T> {
        Outcome<T> attempt(Attempt attempt);
    }

    /** How a try went: {@link Done} or {@link Again}. */
    public sealed interface Outcome<T> {
    }

    record Done<T>(T value) implements Outcome<T> {
    }

    record Again<T>(Duration pause, GiveUp<T> giveUp) implements Outcome<T> {
    }

    public static <T> Outcome<T> done(T value) {
        return new Done<>(value);
    }

    /** Another try after the backoff; {@code giveUp} when none is left. */
    public static <T> Outcome<T> again(GiveUp<T> giveUp) {
        return new Again<>(null, giveUp);
    }

    /** Another try after {@code wait} (null: the backoff); {@code giveUp} when none is left. */
    public static <T> Outcome<T> again(Duration wait, GiveUp<T> giveUp) {
        return new Again<>(wait, giveUp);
    }

    /** Another try after the backoff; {@code failure} is thrown when none is left. */
    public static <T> Outcome<T> againOrThrow(RuntimeException failure) {
        return new Again<>(null, outOfTime -> {
            throw failure;
        });
    }

    /** Runs {@code call} under {@code policy}, without a deadline. */
    public static <T> T run(Policy policy, Sleeper sleeper, Try<T> call) {
        return loop(policy, null, null, sleeper, call);
    }

    /** Runs {@code call} under {@code policy}; a wait that would end after {@code deadline} gives up instead. */
    public static <T> T until(Instant deadline, Clock clock, Policy policy, Sleeper sleeper,
                                                   Try<T> call) {
        return loop(policy, deadline, clock, sleeper, call);
    }

    /** Sleeps for real; an interrupt ends the run as {@link RagbackException.Kind#INTERRUPTED}. */
    public static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while waiting to retry", null, e);
        }
    }

    private static <T> T loop(Policy policy, Instant deadline, Clock clock, Sleeper sleeper,
                                                   Try<T> call) {
        Duration backoff = policy.firstBackoff();
        for (int number = 1; ; number++) {
            Attempt attempt = new Attempt(number, policy.attempts());
            Outcome<T> outcome = call.attempt(attempt);
            if (outcome instanceof Done<T> done) {
                return done.value();
            }
            Again<T> again = (Again<T>) outcome;
            if (attempt.last()) {
                return again.giveUp().giveUp(false);
            }
            Duration wait = again.pause() == null ? backoff : again.pause();
            if (deadline != null && clock.instant().plus(wait).isAfter(deadline)) {
                return again.giveUp().giveUp(true);
            }
            sleeper.sleep(wait);
            backoff = backoff.multipliedBy(2);
        }
    }
}
