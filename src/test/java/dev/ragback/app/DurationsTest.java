package dev.ragback.app;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One style for every duration a person reads ({@code 3.3 s}); the config style stays the config file's. */
class DurationsTest {
    @Test
    void peopleReadSecondsWithOneDecimalUnderAMinute() {
        assertEquals("0.8 s", Durations.human(Duration.ofMillis(843)));
        assertEquals("1.8 s", Durations.human(Duration.ofMillis(1751)));
        assertEquals("0.0 s", Durations.human(Duration.ofMillis(12)));
        assertEquals("59.9 s", Durations.human(Duration.ofMillis(59_900)));
        assertEquals("1m 00s", Durations.human(Duration.ofMillis(60_000)));
        assertEquals("4m 05s", Durations.human(Duration.ofSeconds(245)));
        assertEquals("2h 03m", Durations.human(Duration.ofMinutes(123)));
    }

    @Test
    void configuredValuesKeepTheConfigFileStyle() {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
    }
}
