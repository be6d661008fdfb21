package dev.ragback.app.history;

import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.AtomicFiles;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.AuditLog.Event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the postmortem draft of a rollback run: the template with {@code {{run_id}} {{reason}}
 * {{outcome}} {{timeline}} {{snapshot}} {{release}} {{duration}}} filled in, at
 * {@code <dir>/<start date, UTC>-<run id>.md}. Other {@code {{...}}} are left for the author.
 */
public final class Postmortem {
    private static final String SEAL_PREFIX = "<!-- ragback draft; sha256 of the text above: ";
    private static final String SEAL_SUFFIX = " -->\n";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final AuditLog audit;
    private final Path template;
    private final boolean bundledWhenMissing;
    private final Path dir;
    private final Clock clock;

    public Postmortem(AuditLog audit, Path template, Path dir, Clock clock) {
        this(audit, template, dir, clock, false);
    }

    /** @param bundledWhenMissing use the template shipped in the jar when {@code template} (the default) is not there */
    public Postmortem(AuditLog audit, Path template, Path dir, Clock clock, boolean bundledWhenMissing) {
        this.bundledWhenMissing = bundledWhenMissing;
        this.audit = audit;
        this.template = template;
        this.dir = dir;
        this.clock = clock;
    }

    /**
     * Renders the run's TaskDB events and returns the file written. An existing draft with the same
     * content is left alone; one that differs (it may hold the author's edits) is replaced only with
     * {@code replace}, otherwise a usage error. A well-formed id without events fails EXTERNAL (exit 1).
     */
    public Path write(String runId, boolean replace) {
        RunIds.require(runId);
        return write(runId, audit.events(runId), replace, "TaskDB");
    }

    /** As {@link #write(String, boolean)}, from events the caller read (e.g. the local journal), oldest first. */
    public Path write(String runId, List<Event> events, boolean replace) {
        RunIds.require(runId);
        return write(runId, events, replace, "the given events");
    }

    /** The draft's text, without writing it. */
    public String render(String runId, List<Event> events) {
        RunSummary run = new RollbackRun(runId, events).summary(clock.instant());
        Map<String, String> values = Map.of(
                "run_id", runId,
                "reason", line(run.reason()),
                "outcome", outcome(run),
                "timeline", Timeline.markdown(events).stripTrailing(),
                "snapshot", line(run.snapshot()),
                "release", line(run.release()),
                "duration", run.duration() == null ? "unknown"
                        : Durations.human(run.duration()) + (run.finished() ? "" : " so far"));
        Matcher matcher = PLACEHOLDER.matcher(readTemplate());
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Where the draft of a run that started at {@code summary.startedAt()} goes. */
    public Path target(RunSummary summary) {
        String date = summary.startedAt() == null ? "undated" : DATE.format(summary.startedAt());
        return dir.resolve(date + "-" + summary.runId() + ".md");
    }

    private Path write(String runId, List<Event> events, boolean replace, String source) {
        List<Event> own = events.stream().filter(e -> runId.equals(e.taskId())).toList();
        if (own.isEmpty()) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "no events for run " + runId + " in " + source,
                    "ragback history lists the runs TaskDB knows; check taskdb.url points at the right database");
        }
        String text = sealed(render(runId, own));
        Path target = target(new RollbackRun(runId, own).summary(clock.instant()));
        try {
            if (Files.exists(target)) {
                String existing = Files.readString(target, StandardCharsets.UTF_8);
                if (existing.equals(text)) {
                    return target;
                }
                if (!replace && !unedited(existing)) {
                    throw new RagbackException(RagbackException.Kind.USAGE,
                            "postmortem draft " + target + " exists and differs from a fresh one (it may hold edits); not replaced",
                            "edit it as it is, or replace it: ragback postmortem " + runId + " --force");
                }
            }
            AtomicFiles.write(target, text, true);
            return target;
        } catch (IOException e) {
            throw RagbackException.external("cannot write the postmortem draft " + target + ": " + e.getMessage(),
                    "check that " + dir + " is a writable directory (postmortem.dir)", e);
        }
    }

    // the draft ends with the hash of its own text, so ragback can tell its untouched draft (refreshed with the
    // events recorded after it, such as rollback_finished) from one a person has edited
    private static String sealed(String text) {
        String body = text.endsWith("\n") ? text : text + "\n";
        return body + SEAL_PREFIX + Sha256.ofText(body) + SEAL_SUFFIX;
    }

    private static boolean unedited(String existing) {
        int seal = existing.lastIndexOf(SEAL_PREFIX);
        return seal >= 0 && existing.equals(sealed(existing.substring(0, seal)));
    }

    private String readTemplate() {
        try {
            return Files.readString(template, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (bundledWhenMissing) {
                try (var in = Postmortem.class.getResourceAsStream("/templates/postmortem.md")) {
                    if (in != null) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                } catch (IOException ignored) {
                    // fall through to the clear error below
                }
            }
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "postmortem template " + template + " not found",
                    "restore ops/templates/postmortem.md from the repository, or set postmortem.template");
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "cannot read the postmortem template " + template + ": " + e.getMessage(), "check postmortem.template");
        }
    }

    private static String outcome(RunSummary run) {
        String outcome = run.outcome() + (run.dryRun() ? " (dry run)" : "");
        return run.failedStep() == null ? outcome : outcome + " at step " + line(run.failedStep());
    }

    /** A value from TaskDB on one line of prose. */
    private static String line(String value) {
        return value == null ? "unknown" : Timeline.cell(value).replace("\\|", "|");
    }
}
