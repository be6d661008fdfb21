package dev.ragback.app.history;

import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.port.AuditLog.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ragback.app.history.RunEvents.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostmortemTest {
    private static final Instant NOW = Instant.parse("2025-12-02T19:00:00Z");
    private static final Set<String> PLACEHOLDERS = Set.of("run_id", "reason", "outcome", "timeline", "snapshot", "release", "duration");
    private static final String FAILED = "rollback_1764400000";

    @TempDir
    Path work;

    private final FakeAuditLog audit = new FakeAuditLog();
    private Path template;
    private Path dir;

    @BeforeEach
    void failedAtEval() throws IOException {
        template = Files.writeString(work.resolve("postmortem.md"),
                "# {{run_id}}\nreason={{reason}} outcome={{outcome}} set={{snapshot}} release={{release}} took={{duration}} "
                        + "keep={{root_cause}}\n\n{{timeline}}\n");
        dir = work.resolve("ops").resolve("postmortems");
        run(audit.events, "rollback_1764300000").started("gate_fail_rate", "20251127-0300", "v1.0.0", false)
                .stepsThrough("report").finished("succeeded", null);
        run(audit.events, FAILED).started("faithfulness_drop", "20251128-0300", "v1.0.0", false)
                .stepsThrough("smoke").step("eval", "failed", 90_000, "faithfulness 0.71 < 0.80")
                .step("report", "succeeded", 500, null).finished("failed", "eval");
    }

    private Postmortem postmortem(Path templateFile) {
        return new Postmortem(audit, templateFile, dir, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Postmortem postmortem() {
        return postmortem(template);
    }

    @Test
    void writesTheDraftUnderTheRunsStartDateWithEveryPlaceholderFilled() throws IOException {
        Path written = postmortem().write(FAILED, false);
        assertEquals(dir.resolve("2025-11-29-rollback_1764400000.md"), written);
        List<String> lines = Files.readAllLines(written);
        assertEquals("# rollback_1764400000", lines.get(0));
        assertEquals("reason=faithfulness_drop outcome=failed at step eval set=20251128-0300 release=v1.0.0 took=1m 36s "
                + "keep={{root_cause}}", lines.get(1), "placeholders outside the seven are left for the author");
    }

    @Test
    void theTimelineHasOneRowPerEventInOrderWithTimeStepStatusDurationAndDetail() throws IOException {
        List<String> rows = Files.readAllLines(postmortem().write(FAILED, false)).stream().filter(l -> l.startsWith("| ")).toList();
        List<Event> events = audit.events(FAILED);
        assertEquals("| time (UTC) | event | step | status | duration | detail |", rows.get(0));
        assertEquals(events.size(), rows.size() - 1, "one row per event:\n" + String.join("\n", rows));
        assertEquals("| 2025-11-29 07:06:40 | rollback_auto | - | started | - | reason=faithfulness_drop; snapshot=20251128-0300; "
                + "release=v1.0.0; host=ops-1; dry_run=false |", rows.get(1));
        assertEquals("| 2025-11-29 07:06:40 | rollback_step | lock | started | - | - |", rows.get(2));
        assertEquals("| 2025-11-29 07:06:41 | rollback_step | lock | succeeded | 1.0 s | lock ok |", rows.get(3));
        assertTrue(rows.contains("| 2025-11-29 07:08:16 | rollback_step | eval | failed | 1m 30s | faithfulness 0.71 < 0.80 |"),
                String.join("\n", rows));
        assertEquals("| 2025-11-29 07:08:16 | rollback_finished | eval | failed | 1m 36s | - |", rows.get(rows.size() - 1));
    }

    @Test
    void theShippedTemplateUsesExactlyTheSevenPlaceholdersAndTheDraftHasNoneLeft() throws IOException {
        Path shipped = Path.of(System.getProperty("ragback.project.dir", "."), "ops", "templates", "postmortem.md");
        Set<String> used = new TreeSet<>();
        Matcher matcher = Pattern.compile("\\{\\{([^}]*)}}").matcher(Files.readString(shipped));
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        assertEquals(new TreeSet<>(PLACEHOLDERS), used);

        String draft = Files.readString(postmortem(shipped).write(FAILED, false));
        assertFalse(draft.contains("{{"), draft);
        assertTrue(draft.contains("| Outcome | **failed at step eval** |"), draft);
        assertTrue(draft.contains("| 2025-11-29 07:08:16 | rollback_step | eval | failed | 1m 30s | faithfulness 0.71 < 0.80 |"), draft);
    }

    @Test
    void valuesFromTaskDbCannotBreakTheTableOrFillPlaceholders() throws IOException {
        String runId = "rollback_1764500000";
        Map<String, Object> holder = new LinkedHashMap<>();
        holder.put("holder", "ops-2 | pid 42");
        holder.put("since", "03:00");
        run(audit.events, runId).started("manual {{timeline}}", null, null, false)
                .step("lock", "failed", 12, holder).step("plan", "failed", 5, "line one\nline | two")
                .finished("failed", "lock");
        String draft = Files.readString(postmortem().write(runId, false));
        assertTrue(draft.contains("reason=manual {{timeline}} outcome=failed at step lock set=unknown release=unknown"), draft);
        assertTrue(draft.contains("| rollback_step | lock | failed | 0.0 s | {\"holder\":\"ops-2 \\| pid 42\",\"since\":\"03:00\"} |"), draft);
        assertTrue(draft.contains("| rollback_step | plan | failed | 0.0 s | line one line \\| two |"), draft);
    }

    @Test
    void aWellFormedIdWithoutEventsFailsExternalAndWritesNothing() {
        RagbackException failure = assertThrows(RagbackException.class, () -> postmortem().write("rollback_1", false));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertEquals("no events for run rollback_1 in TaskDB", failure.getMessage());
        assertFalse(Files.exists(dir));
    }

    @Test
    void aMalformedIdIsAUsageErrorBeforeTaskDbIsAsked() {
        audit.down = true;
        for (String bad : new String[] {"../x", "rollback_1/..", "traffic", "rollback_", "rollback_12a", ""}) {
            RagbackException failure = assertThrows(RagbackException.class, () -> postmortem().write(bad, false), bad);
            assertEquals(RagbackException.Kind.USAGE, failure.kind(), bad);
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void anIdenticalDraftIsLeftAloneAndAnEditedOneIsReplacedOnlyWhenAsked() throws IOException {
        Path first = postmortem().write(FAILED, false);
        assertEquals(first, postmortem().write(FAILED, false));

        Files.writeString(first, Files.readString(first) + "\nRoot cause: the v1.1.0 re-index.\n");
        RagbackException refused = assertThrows(RagbackException.class, () -> postmortem().write(FAILED, false));
        assertEquals(RagbackException.Kind.USAGE, refused.kind());
        assertTrue(refused.hint().contains("ragback postmortem rollback_1764400000 --force"), refused.hint());
        assertTrue(Files.readString(first).contains("Root cause: the v1.1.0 re-index."));

        postmortem().write(FAILED, true);
        assertFalse(Files.readString(first).contains("Root cause: the v1.1.0 re-index."));
    }

    @Test
    void theRunsOwnDraftIsRefreshedWithTheEventsRecordedAfterIt() throws IOException {
        List<Event> own = audit.events.stream().filter(e -> e.taskId().equals(FAILED)).toList();
        Path draft = postmortem().write(FAILED, own.subList(0, own.size() - 1), false);
        assertFalse(Files.readString(draft).contains("rollback_finished"));

        assertEquals(draft, postmortem().write(FAILED, false), "an untouched draft needs no --force");
        assertTrue(Files.readString(draft).contains("rollback_finished"));

        Files.writeString(draft, Files.readString(draft).replace("faithfulness_drop", "faithfulness drop after v1.1.0"));
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> postmortem().write(FAILED, false)).kind(),
                "an edit anywhere, even above the seal, keeps the draft");
    }

    @Test
    void eventsCanComeFromTheJournalWhenTaskDbIsDown() throws IOException {
        List<Event> journal = new ArrayList<>(audit.events);
        audit.down = true;
        Path written = postmortem().write("rollback_1764300000", journal, false);
        assertEquals(dir.resolve("2025-11-28-rollback_1764300000.md"), written);
        assertTrue(Files.readString(written).startsWith("# rollback_1764300000\nreason=gate_fail_rate outcome=succeeded "));
        assertEquals(RagbackException.Kind.EXTERNAL,
                assertThrows(RagbackException.class, () -> postmortem().write("rollback_1764300000", false)).kind());
    }

    @Test
    void theDateIsTheStartDateInUtc() {
        audit.events.clear();
        audit.events.add(new Event(1, "rollback_1764383400", "rollback_auto",
                Map.of("reason", "manual", "timestamp", "2025-11-28T21:30:00-05:00"), Instant.parse("2025-11-29T02:30:00Z")));
        assertEquals(dir.resolve("2025-11-29-rollback_1764383400.md"), postmortem().write("rollback_1764383400", false));
    }

    @Test
    void aMissingTemplateIsAConfigurationError() {
        RagbackException failure = assertThrows(RagbackException.class,
                () -> postmortem(work.resolve("no-such-template.md")).write(FAILED, false));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertFalse(Files.exists(dir));
    }
}
