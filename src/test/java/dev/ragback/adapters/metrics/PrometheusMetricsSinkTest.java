package dev.ragback.adapters.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragback.app.port.MetricsSink.RunMetrics;
import dev.ragback.testing.Promtool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusMetricsSinkTest {
    private static final Duration SHORT = Duration.ofMillis(500);

    /** One request as the Pushgateway stand-in saw it. */
    private record Pushed(String method, String path, String contentType, String authorization, String body) {
    }

    private HttpServer server;
    private ExecutorService handlers;
    private final List<Pushed> pushed = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseHungRequests = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile boolean hang;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        releaseHungRequests.countDown();
        server.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        pushed.add(new Pushed(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Authorization"), body));
        if (hang) {
            try {
                releaseHungRequests.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] reply = status == 200 ? new byte[0] : "push rejected\nsecond line".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
        exchange.getResponseBody().write(reply);
        exchange.close();
    }

    private URI gateway(String userInfoAndAt, String path) {
        return URI.create("http://" + userInfoAndAt + "127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static RunMetrics failedRun() {
        Map<String, Double> steps = new LinkedHashMap<>();
        steps.put("lock", 0.4);
        steps.put("plan", 2.5);
        steps.put("traffic_off", 0.1);
        steps.put("restore", 187.0);
        return new RunMetrics("rollback_1764300000", "faithfulness_drop", "failed", 190.0, steps,
                Map.of("gate_fail_rate", 4L, "faithfulness_drop", 2L, "latency_spike", 1L),
                Map.of("qdrant", 734_003_200L, "postgres", 52_428_800L));
    }

    @Test
    void pushesTheFourFamiliesInTheTextFormatToJobRagbackAndPromtoolAcceptsThem() throws Exception {
        List<String> warnings = new PrometheusMetricsSink(gateway("", ""), null).publish(failedRun());

        assertEquals(List.of(), warnings);
        assertEquals(1, pushed.size());
        Pushed push = pushed.get(0);
        assertEquals("PUT", push.method(), "PUT replaces the group, so steps of an older run do not linger");
        assertEquals("/metrics/job/ragback", push.path());
        assertTrue(push.contentType().startsWith("text/plain; version=0.0.4"), push.contentType());
        assertEquals(null, push.authorization());
        String body = push.body();
        for (String family : List.of("rag_rollback_total counter", "rag_rollback_duration_seconds histogram",
                "rag_rollback_step_duration_seconds histogram", "rag_snapshot_bytes gauge")) {
            String name = family.substring(0, family.indexOf(' '));
            assertTrue(Pattern.compile("(?m)^# TYPE " + family + "$").matcher(body).find(), "no TYPE " + family + ":\n" + body);
            assertTrue(Pattern.compile("(?m)^# HELP " + name + " \\S.{10,}$").matcher(body).find(), "no HELP for " + name + ":\n" + body);
        }
        assertEquals(List.of("30.0", "60.0", "120.0", "300.0", "600.0", "1200.0", "1800.0", "3600.0", "+Inf"),
                bucketBounds(body, "rag_rollback_duration_seconds_bucket\\{le=\"([^\"]+)\"\\}"));
        assertEquals(List.of("1.0", "5.0", "15.0", "30.0", "60.0", "120.0", "300.0", "600.0", "+Inf"),
                bucketBounds(body, "rag_rollback_step_duration_seconds_bucket\\{step=\"restore\",le=\"([^\"]+)\"\\}"));
        assertTrue(body.contains("rag_rollback_total{reason=\"gate_fail_rate\"} 4.0\n"), body);
        assertTrue(body.contains("rag_rollback_total{reason=\"faithfulness_drop\"} 2.0\n"), body);
        assertTrue(body.contains("rag_rollback_duration_seconds_sum 190.0\n"), body);
        assertTrue(body.contains("rag_rollback_step_duration_seconds_sum{step=\"restore\"} 187.0\n"), body);
        assertTrue(body.contains("rag_rollback_step_duration_seconds_bucket{step=\"restore\",le=\"120.0\"} 0\n"), body);
        assertTrue(body.contains("rag_rollback_step_duration_seconds_bucket{step=\"restore\",le=\"300.0\"} 1\n"), body);
        assertFalse(body.contains("step=\"smoke\""), "steps that did not run have no series:\n" + body);
        assertTrue(Pattern.compile("(?m)^rag_snapshot_bytes\\{store=\"qdrant\"\\} 7\\.340032E8$").matcher(body).find(), body);
        Promtool.assertPasses(body);
    }

    @Test
    void aPathPrefixIsKeptAndUserInfoBecomesBasicAuthNeverShown() {
        PrometheusMetricsSink sink = new PrometheusMetricsSink(gateway("ops:pg-s3cret@", "/gateway/"), null);

        assertEquals(List.of(), sink.publish(failedRun()));
        assertEquals("/gateway/metrics/job/ragback", pushed.get(0).path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ops:pg-s3cret".getBytes(StandardCharsets.UTF_8)),
                pushed.get(0).authorization());
        assertFalse(sink.describe().contains("pg-s3cret"), sink.describe());
        assertTrue(sink.describe().contains("(job ragback)"), sink.describe());
    }

    @Test
    void aRejectedPushIsOneWarningWithoutTheCredentialAndTheTextfileIsStillWritten() throws IOException {
        status = 500;
        Path textfile = dir.resolve("ragback.prom");
        List<String> warnings = new PrometheusMetricsSink(gateway("ops:pg-s3cret@", ""), textfile).publish(failedRun());

        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.get(0);
        assertTrue(warning.startsWith("metrics not pushed to Pushgateway http://***@127.0.0.1:"), warning);
        assertTrue(warning.contains("500"), warning);
        assertFalse(warning.contains("pg-s3cret"), warning);
        assertFalse(warning.contains("\n"), warning);
        assertTrue(Files.readString(textfile).contains("rag_rollback_total{reason=\"latency_spike\"} 1.0"));
    }

    @Test
    void aPushgatewayThatHangsIsAWarningAfterTheReadTimeout() {
        hang = true;
        List<String> warnings = new PrometheusMetricsSink(gateway("", ""), null, SHORT, SHORT).publish(failedRun());

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("timed out"), warnings.get(0));
    }

    @Test
    void aClosedPortIsAWarning() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        List<String> warnings = new PrometheusMetricsSink(URI.create("http://127.0.0.1:" + closedPort), null, SHORT, SHORT)
                .publish(failedRun());

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith(": Connection refused"), warnings.get(0));
    }

    @Test
    void theTextfileIsReplacedAtomicallyWithMode0644AndPassesPromtool() throws Exception {
        Path textfile = dir.resolve("node_exporter").resolve("ragback.prom");
        Files.createDirectories(textfile.getParent());
        Files.writeString(textfile, "# an older run\n");
        Files.setPosixFilePermissions(textfile, PosixFilePermissions.fromString("rw-------"));
        Object inodeBefore = Files.getAttribute(textfile, "unix:ino");

        List<String> warnings = new PrometheusMetricsSink(null, textfile).publish(failedRun());

        assertEquals(List.of(), warnings);
        String written = Files.readString(textfile);
        assertEquals(PrometheusMetricsSink.exposition(failedRun()), written);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(textfile)));
        assertNotEquals(inodeBefore, Files.getAttribute(textfile, "unix:ino"), "a new file renamed over the old one, not rewritten in place");
        try (Stream<Path> files = Files.list(textfile.getParent())) {
            assertEquals(List.of(textfile), files.toList(), "no temp file left behind");
        }
        Promtool.assertPasses(written);
    }

    @Test
    void aTextfileThatCannotBeWrittenIsAWarning() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        List<String> warnings = new PrometheusMetricsSink(null, notADirectory.resolve("ragback.prom")).publish(failedRun());

        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("metrics textfile " + notADirectory.resolve("ragback.prom") + " not written: " + notADirectory
                + ": exists and is not a directory", warnings.get(0));
    }

    @Test
    void withNoTargetNothingIsPublishedAndItSaysSo() {
        PrometheusMetricsSink sink = new PrometheusMetricsSink(null, null);

        assertFalse(sink.configured());
        assertEquals(List.of(), sink.publish(failedRun()));
        assertTrue(sink.describe().contains("not configured"), sink.describe());
        assertTrue(pushed.isEmpty());
    }

    @Test
    void aRunThatStoppedAtTheLockStillGivesValidMetrics() throws Exception {
        RunMetrics blocked = new RunMetrics("rollback_1764300001", "manual", "blocked", 0.05, Map.of("lock", 0.05),
                Map.of("manual", 1L), Map.of());
        String exposition = PrometheusMetricsSink.exposition(blocked);

        assertFalse(exposition.contains("rag_snapshot_bytes{"), exposition);
        assertTrue(exposition.contains("rag_rollback_total{reason=\"manual\"} 1.0\n"), exposition);
        Promtool.assertPasses(exposition);
    }

    private static List<String> bucketBounds(String body, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(body);
        List<String> bounds = new java.util.ArrayList<>();
        while (matcher.find()) {
            bounds.add(matcher.group(1));
        }
        return bounds;
    }
}
