package dev.ragback.app;

import dev.ragback.testing.HandClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one retry loop, on a fake clock and a sleeper that only records (no test here sleeps). */
class RetryTest {
    private static final Duration FIRST = Duration.ofMillis(100);

    /** A clock that moves only when the sleeper "sleeps", and the waits it was asked for. */
    private static final class FakeTime {
        final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));
        final List<Duration> waits = new ArrayList<>();

        void sleep(Duration wait) {
            waits.add(wait);
            clock.advance(wait);
        }
    }

    private final FakeTime time = new FakeTime();
    private final List<Retry.Attempt> attempts = new ArrayList<>();

    @Test
    void aFirstSuccessIsReturnedWithoutWaiting() {
        String value = Retry.run(new Retry.Policy(3, FIRST), time::sleep, attempt -> {
            attempts.add(attempt);
            return Retry.done("ok");
        });
        assertEquals("ok", value);
        assertEquals(List.of(new Retry.Attempt(1, 3)), attempts);
        assertEquals(List.of(), time.waits);
    }

    @Test
    void failuresAreTriedAgainWithADoublingBackoffUntilOneSucceeds() {
        String value = Retry.run(new Retry.Policy(4, FIRST), time::sleep, attempt -> {
            attempts.add(attempt);
            return attempt.number() < 4 ? Retry.againOrThrow(new IllegalStateException("try " + attempt.number()))
                    : Retry.done("fourth");
        });
        assertEquals("fourth", value);
        assertEquals(4, attempts.size());
        assertEquals(List.of(FIRST, FIRST.multipliedBy(2), FIRST.multipliedBy(4)), time.waits);
    }

    @Test
    void whenTheTriesRunOutTheLastFailureIsThrown() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Retry.run(new Retry.Policy(3, FIRST), time::sleep, attempt -> {
                    attempts.add(attempt);
                    return Retry.againOrThrow(new IllegalStateException("try " + attempt.number()));
                }));
        assertEquals("try 3", thrown.getMessage());
        assertEquals(List.of(false, false, true), attempts.stream().map(Retry.Attempt::last).toList());
        assertEquals(2, time.waits.size(), "no wait after the last try");
    }

    @Test
    void giveUpMayReturnTheLastAnswerInsteadOfThrowing() {
        int value = Retry.run(new Retry.Policy(2, FIRST), time::sleep, attempt -> {
            int answer = 500 + attempt.number();
            return Retry.again(outOfTime -> answer);
        });
        assertEquals(502, value);
    }

    @Test
    void aWaitTheTryAsksForReplacesTheBackoffWhichStillDoubles() {
        Retry.run(new Retry.Policy(4, FIRST), time::sleep, attempt -> attempt.number() == 2
                ? Retry.again(Duration.ofSeconds(7), outOfTime -> "never") : attempt.last() ? Retry.done("x")
                : Retry.again(outOfTime -> "never"));
        assertEquals(List.of(FIRST, Duration.ofSeconds(7), FIRST.multipliedBy(4)), time.waits);
    }

    @Test
    void anExceptionThrownByATryEndsTheLoopAtOnce() {
        UnsupportedOperationException fatal = new UnsupportedOperationException("4xx");
        assertSame(fatal, assertThrows(UnsupportedOperationException.class,
                () -> Retry.run(new Retry.Policy(5, FIRST), time::sleep, attempt -> {
                    attempts.add(attempt);
                    throw fatal;
                })));
        assertEquals(1, attempts.size());
        assertEquals(List.of(), time.waits);
    }

    @Test
    void oneAttemptMeansNoRetry() {
        assertThrows(IllegalStateException.class, () -> Retry.run(new Retry.Policy(1, FIRST), time::sleep, attempt -> {
            attempts.add(attempt);
            return Retry.againOrThrow(new IllegalStateException("once"));
        }));
        assertEquals(1, attempts.size());
        assertEquals(List.of(), time.waits);
    }

    @Test
    void aWaitThatWouldEndPastTheDeadlineGivesUpAsOutOfTimeWithoutWaiting() {
        Instant deadline = time.clock.instant().plus(Duration.ofMillis(250));
        List<Boolean> outOfTime = new ArrayList<>();
        String value = Retry.until(deadline, time.clock, new Retry.Policy(10, FIRST), time::sleep, attempt -> {
            attempts.add(attempt);
            return Retry.again(late -> {
                outOfTime.add(late);
                return "gave up";
            });
        });
        assertEquals("gave up", value);
        assertEquals(List.of(true), outOfTime);
        // 100 ms (t=100), 200 ms (t=300 > 250) would pass the deadline: two tries, one wait
        assertEquals(List.of(FIRST), time.waits);
        assertEquals(2, attempts.size());
    }

    @Test
    void aWaitEndingExactlyAtTheDeadlineIsTaken() {
        Instant deadline = time.clock.instant().plus(FIRST);
        Retry.until(deadline, time.clock, new Retry.Policy(3, FIRST), time::sleep,
                attempt -> attempt.number() == 1 ? Retry.againOrThrow(new IllegalStateException()) : Retry.done("on time"));
        assertEquals(List.of(FIRST), time.waits);
    }

    @Test
    void aPolicyNeedsOneAttemptAndNoNegativeBackoff() {
        assertThrows(IllegalArgumentException.class, () -> new Retry.Policy(0, FIRST));
        assertThrows(IllegalArgumentException.class, () -> new Retry.Policy(1, Duration.ofMillis(-1)));
    }

    @Test
    void anInterruptedPauseEndsAsInterrupted() {
        Thread.currentThread().interrupt();
        RagbackException e = assertThrows(RagbackException.class, () -> Retry.pause(Duration.ofSeconds(30)));
        assertEquals(RagbackException.Kind.INTERRUPTED, e.kind());
        assertEquals(true, Thread.interrupted(), "the interrupt is kept for the caller");
    }
}
