package dev.ragback.adapters.metrics;

import dev.ragback.app.port.MetricsSink.RunMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The meters of SPEC section 9 for one run, in a registry of their own. Micrometer appends
 * {@code _total} to counters and {@code _seconds} to timers, hence the shorter names here.
 */
final class RunMeters {
    static final Duration[] RUN_BUCKETS = seconds(30, 60, 120, 300, 600, 1200, 1800, 3600);
    static final Duration[] STEP_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 600);

    private RunMeters() {
    }

    /** A fresh registry holding the run's meters; the caller closes it. */
    static PrometheusMeterRegistry of(RunMetrics run) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (Map.Entry<String, Long> reason : orEmpty(run.rollbacksByReason()).entrySet()) {
            Counter.builder("rag_rollback")
                    .description("Rollback runs started, by reason; counted from TaskDB, so it only grows across runs and hosts")
                    .tag("reason", reason.getKey())
                    .register(registry)
                    .increment(reason.getValue() == null ? 0 : Math.max(0, reason.getValue()));
        }
        Timer runTimer = Timer.builder("rag_rollback_duration")
                .description("Wall-clock duration of the last rollback run, from lock to report")
                .serviceLevelObjectives(RUN_BUCKETS)
                .register(registry);
        record(runTimer, run.durationSeconds());
        for (Map.Entry<String, Double> step : orEmpty(run.stepSeconds()).entrySet()) {
            Timer stepTimer = Timer.builder("rag_rollback_step_duration")
                    .description("Duration of each step of the last rollback run (lock, plan, traffic_off, restore, ...)")
                    .tag("step", step.getKey())
                    .serviceLevelObjectives(STEP_BUCKETS)
                    .register(registry);
            record(stepTimer, step.getValue() == null ? Double.NaN : step.getValue());
        }
        for (Map.Entry<String, Long> store : orEmpty(run.snapshotBytes()).entrySet()) {
            long bytes = store.getValue() == null ? 0 : store.getValue();
            Gauge.builder("rag_snapshot_bytes", () -> bytes)
                    .description("Size of the snapshot set the last rollback run restored, by store")
                    .tag("store", store.getKey())
                    .baseUnit("bytes")
                    .register(registry);
        }
        return registry;
    }

    private static void record(Timer timer, double seconds) {
        if (Double.isFinite(seconds) && seconds >= 0) {
            timer.record(Duration.ofNanos(Math.round(seconds * 1e9)));
        }
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static Duration[] seconds(long... values) {
        return LongStream.of(values).mapToObj(Duration::ofSeconds).toArray(Duration[]::new);
    }
}
