package dev.ragback.app.release;

import dev.ragback.app.Names;
import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatStatus;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.compat.Triple;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.ReleaseSwitch.Release;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Lists releases, marks them green and reverts to the last green one after asking the compat
 * matrix. The release switch is the truth; TaskDB events are the audit trail, so a TaskDB that
 * cannot record one is a warning.
 */
public final class ReleaseService {
    /** Task id of release changes made on their own, outside a rollback run. */
    public static final String TASK_ID = "release";
    public static final String GREEN_EVENT = "release_green";
    public static final String REVERT_EVENT = "release_revert";

    private final ReleaseSwitch releases;
    private final CompatService compat;
    private final AuditLog audit;
    private final Supplier<Operator> operator;

    /**
     * The installed releases and the live one.
     *
     * @param releases oldest version first
     * @param current  the live release, empty when none is active
     */
    public record Listing(List<Release> releases, Optional<String> current) {
    }

    /**
     * A release marked green.
     *
     * @param version  the release
     * @param eventId  the TaskDB event id, {@code null} when TaskDB did not record it
     * @param warnings what the user should know
     */
    public record Marked(String version, Long eventId, List<String> warnings) {
    }

    /**
     * What {@code revert last-green} will do.
     *
     * @param from     the live release now
     * @param to       the newest green release older than {@code from}; {@code null} when {@code from} is green
     *                 (nothing to revert: {@link #nothingToRevert} says why)
     * @param verdict  the matrix's answer for ({@code to}, live schema, live collection); UNKNOWN
     *                 when a live part is unknown
     * @param forced   true when {@code --force} lets an INCOMPATIBLE (or unchecked) revert through
     * @param warnings what the user should know before confirming
     */
    public record RevertPlan(String from, String to, CompatVerdict verdict, boolean forced, List<String> warnings) {
        public boolean nothingToRevert() {
            return to == null;
        }
    }

    /**
     * Null unless {@code current} is green, and then why there is nothing to revert: a green release is
     * the one to keep when only data went bad ({@code revert last-green} and {@code rollback auto} agree).
     */
    public static String nothingToRevert(String current, List<Release> installed) {
        if (installed.stream().noneMatch(r -> r.green() && r.version().equals(current))) {
            return null;
        }
        boolean newest = installed.stream().filter(Release::green).noneMatch(r -> Versions.SEMANTIC.compare(r.version(), current) > 0);
        return "nothing to revert: " + current + (newest ? " is the newest green release" : " is green");
    }

    /**
     * A revert that ran (or, for a dry run, would run).
     *
     * @param plan     the plan it followed
     * @param changed  false for a dry run
     * @param eventId  the TaskDB event id, {@code null} for a dry run or when TaskDB did not record it
     * @param warnings the plan's warnings and any raised while reverting
     */
    public record Reverted(RevertPlan plan, boolean changed, Long eventId, List<String> warnings) {
    }

    public ReleaseService(ReleaseSwitch releases, CompatService compat, AuditLog audit, Supplier<Operator> operator) {
        this.releases = releases;
        this.compat = compat;
        this.audit = audit;
        this.operator = operator;
    }

    public Listing list() {
        return new Listing(releases.releases(), releases.current());
    }

    public Optional<String> current() {
        return releases.current();
    }

    /** Marks {@code version} green and records a {@code release_green} event. */
    public Marked markGreen(String version) {
        Names.require("release version", version);
        releases.markGreen(version);
        List<String> warnings = new ArrayList<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("version", version);
        Long eventId = record(TASK_ID, GREEN_EVENT, metadata, "release " + version + " is marked green", warnings);
        return new Marked(version, eventId, List.copyOf(warnings));
    }

    /**
     * Picks the newest green release older than the current one and asks the matrix about it
     * with the live schema and collection. INCOMPATIBLE fails with GATE unless {@code force};
     * no current release or no green one older fails EXTERNAL. Changes nothing.
     */
    public RevertPlan planRevert(boolean force) {
        String from = releases.current().orElseThrow(() -> new RagbackException(RagbackException.Kind.EXTERNAL,
                "revert last-green: no current release, so there is nothing to revert from",
                "see: ragback release list; activate a release first"));
        List<Release> installed = releases.releases();
        if (nothingToRevert(from, installed) != null) {
            return new RevertPlan(from, null, null, force, List.of());
        }
        String to = installed.stream()
                .filter(Release::green)
                .map(Release::version)
                .filter(version -> Versions.SEMANTIC.compare(version, from) < 0)
                .max(Versions.SEMANTIC)
                .orElseThrow(() -> new RagbackException(RagbackException.Kind.EXTERNAL,
                        "revert last-green: no green release older than " + from + " (green: " + greenList(installed) + ")",
                        "mark a known-good release first: ragback release mark-green VERSION"));
        List<String> warnings = new ArrayList<>();
        CompatVerdict verdict = verdictFor(to, force, warnings);
        if (verdict.status() == CompatStatus.INCOMPATIBLE) {
            if (!force) {
                throw new RagbackException(RagbackException.Kind.GATE,
                        "revert last-green: " + from + " -> " + to + " blocked: " + verdict.triple() + " is INCOMPATIBLE (matrix line "
                                + verdict.line() + "); nothing changed",
                        "fix the schema or collection first, or pass --force to revert anyway");
            }
            warnings.add("--force: " + verdict.triple() + " is INCOMPATIBLE (matrix line " + verdict.line() + "); reverting anyway");
        } else if (verdict.status() == CompatStatus.WARN) {
            warnings.add(verdict.warning());
        }
        return new RevertPlan(from, to, verdict, force, List.copyOf(warnings));
    }

    /** Activates the plan's release and records a {@code release_revert} event under {@code taskId} ({@link #TASK_ID} when null). */
    public Reverted revert(RevertPlan plan, String taskId) {
        releases.activate(plan.to());
        List<String> warnings = new ArrayList<>(plan.warnings());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("from", plan.from());
        metadata.put("to", plan.to());
        metadata.put("forced", plan.forced());
        metadata.put("compat", plan.verdict().status().name());
        metadata.put("schema", plan.verdict().triple().schema());
        metadata.put("collection", plan.verdict().triple().collection());
        Long eventId = record(taskId == null ? TASK_ID : taskId, REVERT_EVENT, metadata,
                "release " + plan.to() + " is live", warnings);
        return new Reverted(plan, true, eventId, List.copyOf(warnings));
    }

    /** {@link #planRevert} then, unless {@code dryRun}, {@link #revert}. */
    public Reverted revertLastGreen(boolean dryRun, boolean force, String taskId) {
        RevertPlan plan = planRevert(force);
        return dryRun || plan.nothingToRevert() ? new Reverted(plan, false, null, plan.warnings()) : revert(plan, taskId);
    }

    private CompatVerdict verdictFor(String to, boolean force, List<String> warnings) {
        CompatService.Lookup lookup;
        try {
            lookup = compat.lookUp(to, null, null);
        } catch (RagbackException e) {
            if (!force || e.kind() != RagbackException.Kind.EXTERNAL) {
                throw new RagbackException(e.kind(), "revert last-green: cannot check the compat matrix: " + e.getMessage(),
                        (e.hint() == null ? "" : e.hint() + "; ") + "or pass --force to revert without the check", e);
            }
            warnings.add("--force: compat not checked, the live schema or collection cannot be read: " + e.getMessage());
            return new CompatVerdict(new Triple(to, "?", "?"), CompatStatus.UNKNOWN, 0);
        }
        if (!lookup.complete()) {
            lookup.missing().forEach((part, why) -> warnings.add("compat cannot be checked: live " + part + " unknown: " + why));
            return new CompatVerdict(new Triple(to, orUnknown(lookup.schema()), orUnknown(lookup.collection())),
                    CompatStatus.UNKNOWN, 0);
        }
        CompatVerdict verdict = compat.check(lookup.triple());
        if (verdict.status() == CompatStatus.UNKNOWN) {
            warnings.add(verdict.warning());
        }
        return verdict;
    }

    private Long record(String taskId, String type, Map<String, Object> metadata, String done, List<String> warnings) {
        Operator who = operator.get();
        metadata.put("host", who.host());
        metadata.put("user", who.user());
        try {
            return audit.record(taskId, type, metadata);
        } catch (RagbackException e) {
            warnings.add(done + ", but TaskDB did not record the " + type + " event: " + e.getMessage());
            return null;
        }
    }

    private static String greenList(List<Release> installed) {
        List<String> green = installed.stream().filter(Release::green).map(Release::version)
                .sorted(Comparator.comparing((String v) -> v, Versions.SEMANTIC)).toList();
        return green.isEmpty() ? "none" : String.join(", ", green);
    }

    private static String orUnknown(String part) {
        return part == null ? "?" : part;
    }
}
