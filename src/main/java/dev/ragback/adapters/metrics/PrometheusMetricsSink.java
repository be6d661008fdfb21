package dev.ragback.adapters.metrics;

import dev.ragback.app.Redaction;
import dev.ragback.app.files.AtomicFiles;
import dev.ragback.app.port.MetricsSink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Publishes a run's meters (see {@link RunMeters}) in the Prometheus text format: PUT to the
 * Pushgateway under job {@code ragback} with no other grouping key, so each run replaces the last
 * one's series (the counter is derived from TaskDB, so nothing is lost), and/or written atomically
 * to a node_exporter textfile with mode 0644. With neither configured it publishes nothing.
 */
public final class PrometheusMetricsSink implements MetricsSink {
    static final String JOB = "ragback";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_QUOTED = 200;

    private final URI pushgateway;
    private final Path textfile;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /** Either target may be null (not configured). */
    public PrometheusMetricsSink(URI pushgateway, Path textfile) {
        this(pushgateway, textfile, CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    PrometheusMetricsSink(URI pushgateway, Path textfile, Duration connectTimeout, Duration readTimeout) {
        this.pushgateway = pushgateway;
        this.textfile = textfile;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    @Override
    public List<String> publish(RunMetrics metrics) {
        if (!configured()) {
            return List.of();
        }
        List<String> warnings = new ArrayList<>();
        try (Closing registry = new Closing(RunMeters.of(metrics))) {
            if (pushgateway != null) {
                String failure = push(registry.value());
                if (failure != null) {
                    warnings.add(failure);
                }
            }
            if (textfile != null) {
                String failure = writeTextfile(registry.value());
                if (failure != null) {
                    warnings.add(failure);
                }
            }
        }
        return List.copyOf(warnings);
    }

    /** The text format of the run's meters, exactly as published. */
    static String exposition(RunMetrics metrics) {
        try (Closing registry = new Closing(RunMeters.of(metrics))) {
            return registry.value().scrape();
        }
    }

    @Override
    public boolean configured() {
        return pushgateway != null || textfile != null;
    }

    @Override
    public String describe() {
        List<String> targets = new ArrayList<>();
        if (pushgateway != null) {
            targets.add(describePushgateway());
        }
        if (textfile != null) {
            targets.add("textfile " + textfile);
        }
        return targets.isEmpty() ? "metrics not configured (metrics.pushgateway / PUSHGATEWAY_URL, metrics.textfile)"
                : String.join(" and ", targets);
    }

    private String describePushgateway() {
        return "Pushgateway " + Redaction.redactUrl(withoutQuery(pushgateway)) + " (job " + JOB + ")";
    }

    private String push(PrometheusMeterRegistry registry) {
        try {
            // empty properties: io.prometheus.* system properties or a prometheus.properties file must not redirect the push
            PushGateway.Builder gateway = PushGateway.builder(PrometheusProperties.builder().build())
                    .scheme("https".equals(lower(pushgateway.getScheme())) ? Scheme.HTTPS : Scheme.HTTP)
                    .address(address(pushgateway))
                    .job(JOB)
                    .format(Format.PROMETHEUS_TEXT)
                    .registry(registry.getPrometheusRegistry())
                    .connectionTimeout(connectTimeout)
                    .readTimeout(readTimeout);
            String userInfo = pushgateway.getUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                gateway.basicAuth(colon < 0 ? userInfo : userInfo.substring(0, colon), colon < 0 ? "" : userInfo.substring(colon + 1));
            }
            gateway.build().push();
            return null;
        } catch (IOException | RuntimeException e) {
            return "metrics not pushed to " + describePushgateway() + ": " + quote(e);
        }
    }

    private String writeTextfile(PrometheusMeterRegistry registry) {
        try {
            AtomicFiles.write(textfile, registry.scrape().getBytes(StandardCharsets.UTF_8), "rw-r--r--", false);
            return null;
        } catch (IOException | RuntimeException e) {
            return "metrics textfile " + textfile + " not written: " + (e instanceof FileSystemException problem ? describe(problem) : quote(e));
        }
    }

    /** host[:port][/path prefix]: the exporter adds {@code /metrics/job/ragback} itself. */
    private static String address(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        return (url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort()) + path;
    }

    private static String withoutQuery(URI url) {
        String text = url.toString();
        int cut = text.indexOf('?');
        return cut < 0 ? text : text.substring(0, cut);
    }

    private static String lower(String text) {
        return text == null ? "" : text.toLowerCase(Locale.ROOT);
    }

    /** The JDK's message is often the bare path; say what is wrong with it. */
    private static String describe(FileSystemException e) {
        String what = e.getReason() != null ? e.getReason()
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException ? "exists and is not a directory"
                : e instanceof NoSuchFileException ? "no such file or directory"
                : e.getClass().getSimpleName();
        return (e.getFile() == null ? "" : e.getFile() + ": ") + what;
    }

    private static String quote(Exception e) {
        // the exporter wraps connection errors in a message that repeats the address; the cause says what went wrong
        Throwable shown = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        String message = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        String flat = Redaction.redactUrl(message).replaceAll("\\s*\\R\\s*", " ").replaceAll("\\p{Cntrl}", "?").strip();
        return flat.length() > MAX_QUOTED ? flat.substring(0, MAX_QUOTED) + "…" : flat;
    }

    /** Closes the run's registry (and its meters) after use. */
    private record Closing(PrometheusMeterRegistry value) implements AutoCloseable {
        @Override
        public void close() {
            value.close();
        }
    }
}
