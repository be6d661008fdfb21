package dev.ragback.app.checks;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Redaction;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.HttpProbe;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.snapshot.BackupsDir;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.SnapshotCatalog;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code ragback smoke} (SPEC section 9): named checks of the live pipeline, each pass, fail or
 * skip with a one-line detail and its duration. The checks run in parallel and are reported in a
 * fixed order; a check whose store is down fails with the store's message, it never throws.
 */
public final class SmokeService {
    private static final int THREADS = 4;

    /**
     * One smoke.http entry.
     *
     * @param name         the check is called {@code http:<name>}
     * @param url          what to GET
     * @param expectStatus the status that passes
     */
    public record HttpTarget(String name, URI url, int expectStatus) {
    }

    /**
     * What the checks expect.
     *
     * @param collection     the configured collection or alias (qdrant.collection)
     * @param requiredTables the tables the schema check requires
     * @param probes         the probe rule (smoke.min_overlap, smoke.score_tolerance)
     * @param http           the smoke.http entries
     */
    public record Settings(String collection, List<String> requiredTables, ProbeComparison probes, List<HttpTarget> http) {
    }

    /**
     * What the checks look at.
     *
     * @param postgres  the RAG database
     * @param vectors   the vector store
     * @param snapshots where the golden set's probes come from
     * @param compat    the matrix and the live triple
     * @param http      GETs for the smoke.http entries
     */
    public record Subjects(DatabaseProbe postgres, VectorStore vectors, SnapshotCatalog snapshots, CompatService compat,
                           HttpProbe http) {
    }

    private record Result(SmokeCheck.Status status, String detail, String warning) {
        static Result pass(String detail) {
            return new Result(SmokeCheck.Status.PASS, detail, null);
        }

        static Result fail(String detail) {
            return new Result(SmokeCheck.Status.FAIL, detail, null);
        }

        static Result skip(String detail) {
            return new Result(SmokeCheck.Status.SKIP, detail, null);
        }
    }

    private record Named(String name, Supplier<Result> body) {
    }

    private final Subjects subjects;
    private final Settings settings;

    public SmokeService(Subjects subjects, Settings settings) {
        this.subjects = subjects;
        this.settings = settings;
    }

    public SmokeReport run() {
        List<Named> checks = checks();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, checks.size()), runnable -> {
            Thread thread = new Thread(runnable, "smoke");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<SmokeCheck>> running = checks.stream()
                    .map(check -> CompletableFuture.supplyAsync(() -> timed(check), pool)).toList();
            return new SmokeReport(running.stream().map(CompletableFuture::join).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Named> checks() {
        List<Named> checks = new ArrayList<>(List.of(
                new Named("postgres", this::postgres),
                new Named("schema", this::schema),
                new Named("qdrant", this::qdrant),
                new Named("probes", this::probes),
                new Named("compat", this::compat)));
        for (HttpTarget target : settings.http()) {
            checks.add(new Named("http:" + target.name(), () -> http(target)));
        }
        return checks;
    }

    private static SmokeCheck timed(Named check) {
        long start = System.nanoTime();
        Result result;
        boolean unreachable = false;
        try {
            result = check.body().get();
        } catch (RagbackException e) {
            unreachable = e.kind() == RagbackException.Kind.EXTERNAL;
            result = Result.fail(e.getMessage());
        } catch (RuntimeException e) {
            result = Result.fail("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return new SmokeCheck(check.name(), result.status(), oneLine(result.detail()), result.warning(),
                Duration.ofNanos(System.nanoTime() - start), unreachable);
    }

    private Result postgres() {
        String version = subjects.postgres().serverVersion();
        return Result.pass("PostgreSQL " + version + " at " + subjects.postgres().describe());
    }

    private Result schema() {
        List<String> missing = new ArrayList<>();
        for (String table : settings.requiredTables()) {
            if (!subjects.postgres().tableExists(table)) {
                missing.add(table);
            }
        }
        if (!missing.isEmpty()) {
            return Result.fail("missing table" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " at " + subjects.postgres().describe());
        }
        return Result.pass(String.join(", ", settings.requiredTables()) + " present");
    }

    private Result qdrant() {
        VectorStore vectors = subjects.vectors();
        if (!vectors.ready()) {
            return Result.fail("Qdrant is not ready (/readyz)");
        }
        Optional<String> real = vectors.resolve(settings.collection());
        if (real.isEmpty()) {
            return Result.fail(noCollection());
        }
        String shown = shown(real.get());
        Optional<CollectionInfo> info = vectors.collection(real.get());
        if (info.isEmpty()) {
            return Result.fail(shown + " disappeared while checking it");
        }
        if (!info.get().green()) {
            return Result.fail(shown + " is " + info.get().status() + ", not green");
        }
        long points = vectors.countPoints(real.get());
        if (points == 0) {
            return Result.fail(shown + " is green but has no points");
        }
        return Result.pass(shown + " green, " + points + " points");
    }

    private Result probes() {
        Optional<BackupsDir.Entry> golden = subjects.snapshots().newestGolden();
        if (golden.isEmpty()) {
            return Result.skip("no golden snapshot set");
        }
        Manifest manifest = golden.get().manifest();
        String set = "golden set " + manifest.id();
        if (manifest.probes() == null || manifest.probes().isEmpty()) {
            return Result.skip(set + " recorded no probes");
        }
        Optional<String> real = subjects.vectors().resolve(settings.collection());
        if (real.isEmpty()) {
            return Result.fail(noCollection());
        }
        String vectorName = manifest.qdrant() == null ? null : manifest.qdrant().vectorName();
        ProbeComparison rule = settings.probes();
        List<ProbeComparison.Outcome> outcomes = rule.replay(subjects.vectors(), real.get(), vectorName, manifest.probes());
        List<String> failures = outcomes.stream().filter(o -> !o.passed()).map(o -> "point " + o.pointId() + ": " + o.problem()).toList();
        if (!failures.isEmpty()) {
            return Result.fail(failures.size() + " of " + outcomes.size() + " probes differ from " + set + ": "
                    + String.join("; ", failures));
        }
        double overlap = outcomes.stream().mapToDouble(ProbeComparison.Outcome::overlap).min().orElse(1);
        double change = outcomes.stream().mapToDouble(ProbeComparison.Outcome::scoreChange).max().orElse(0);
        return Result.pass(String.format(Locale.ROOT, "%d probes match %s: overlap >= %.2f (min %.2f), mean score within %s (max %s)",
                outcomes.size(), set, overlap, rule.minOverlap(), ProbeComparison.percent(change),
                ProbeComparison.percent(rule.scoreTolerance())));
    }

    private Result compat() {
        CompatService compat = subjects.compat();
        CompatService.Lookup lookup = compat.lookUp(null, null, null);
        if (!lookup.complete()) {
            List<String> reasons = new ArrayList<>();
            lookup.missing().forEach((part, why) -> reasons.add(part + " unknown: " + why));
            return Result.skip("live triple incomplete: " + String.join("; ", reasons));
        }
        CompatVerdict verdict = compat.check(lookup.triple());
        String detail = verdict.triple() + " is " + verdict.status()
                + (verdict.line() > 0 ? " (matrix line " + verdict.line() + ")" : " (not in the matrix)");
        if (!verdict.passesCheck()) {
            return Result.fail(detail);
        }
        return new Result(SmokeCheck.Status.PASS, detail, verdict.warning());
    }

    private Result http(HttpTarget target) {
        HttpProbe.Answer answer = subjects.http().get(target.url());
        String detail = "GET " + Redaction.redactUrl(target.url().toString()) + " answered " + answer.status()
                + (answer.tries() > 1 ? " (after " + answer.tries() + " tries)" : "");
        if (answer.status() != target.expectStatus()) {
            return Result.fail(detail + ", expected " + target.expectStatus());
        }
        return Result.pass(detail);
    }

    private String shown(String real) {
        return real.equals(settings.collection()) ? real : settings.collection() + " -> " + real;
    }

    private String noCollection() {
        return "no collection or alias named " + settings.collection();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
