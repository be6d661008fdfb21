package dev.ragback.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What every --json document relies on: component order, snake_case names, nulls kept, number types as declared. */
class JsonOutputTest {
    record Row(String runId, Long eventId, double durationS, long durationMs, String recordedSha256,
               @JsonProperty("switch") String where, @JsonUnwrapped Extra extra) {
    }

    record Extra(String mode, List<Integer> queryRows) {
    }

    @Test
    void aRecordIsItsComponentsInOrderInSnakeCaseWithNullsPrinted() {
        assertEquals("""
                {
                  "run_id" : "r1",
                  "event_id" : null,
                  "duration_s" : 1.0,
                  "duration_ms" : 1000,
                  "recorded_sha256" : "ab",
                  "switch" : "file x"
                }""", JsonOutput.render(new Row("r1", null, 1.0, 1000, "ab", "file x", null)));
    }

    @Test
    void anUnwrappedRecordAddsItsKeysAtTheEndOnlyWhenPresent() {
        assertEquals("""
                [ {
                  "run_id" : "r1",
                  "event_id" : 7,
                  "duration_s" : 0.25,
                  "duration_ms" : 250,
                  "recorded_sha256" : null,
                  "switch" : null,
                  "mode" : "judge",
                  "query_rows" : [ 1, 2 ]
                } ]""", JsonOutput.render(List.of(new Row("r1", 7L, 0.25, 250, null, null, new Extra("judge", List.of(1, 2))))));
    }
}
