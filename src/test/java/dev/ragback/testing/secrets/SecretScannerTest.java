package dev.ragback.testing.secrets;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretScannerTest {
    private static final String WEBHOOK = "http://127.0.0.1:9/services/T0/B0/slack-SECRET-0123456789abcdef";

    @Test
    void findsEachFormOfASecretAndNothingInCleanText() {
        SecretScanner scan = new SecretScanner().secret("SLACK_WEBHOOK", WEBHOOK).secret("PGPASSWORD", "pg-SECRET-fedcba9876543210");
        scan.add("stdout", "clean", "posting to Slack (webhook redacted), PostgreSQL at 127.0.0.1:5432 (password set)");
        scan.add("stdout", "plain", "url " + WEBHOOK);
        scan.add("file", "json", "{\"url\": \"" + WEBHOOK.replace("/", "\\/") + "\"}");
        scan.add("Slack request", "encoded", "u=" + URLEncoder.encode(WEBHOOK, StandardCharsets.UTF_8));
        scan.add("TaskDB row", "base64", Base64.getEncoder().encodeToString("pg-SECRET-fedcba9876543210".getBytes(StandardCharsets.UTF_8)));
        scan.add("stderr", "masked", "password pg-***fedcba9876543210");

        List<String> found = scan.hits().stream().map(h -> h.artifact().name() + ": " + h.secret() + " " + h.form()).toList();

        assertTrue(found.contains("plain: SLACK_WEBHOOK plain"), found.toString());
        assertTrue(found.contains("json: SLACK_WEBHOOK json-escaped"), found.toString());
        assertTrue(found.contains("encoded: SLACK_WEBHOOK url-encoded"), found.toString());
        assertTrue(found.contains("base64: PGPASSWORD base64"), found.toString());
        assertTrue(found.contains("masked: PGPASSWORD random tail"), found.toString());
        assertTrue(found.stream().noneMatch(f -> f.startsWith("clean:")), found.toString());
        assertEquals(6, scan.countsByKind().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void readsFilesByteForByte(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.write(Files.createDirectories(dir.resolve("a/b")).resolve("dump"), new byte[] {0, (byte) 0xff, 'k', 'e', 'y', '-', 'X', 0});
        SecretScanner scan = new SecretScanner().secret("KEY", "key-X");
        scan.addFiles("file", dir);
        scan.addFiles("file", dir.resolve("missing"));
        assertEquals(1, scan.hits().size());
        assertEquals("file", scan.hits().get(0).artifact().kind());
    }

    @Test
    void samplerSeesTheArgvOfTheProcessAndItsChildren() throws Exception {
        Process process = new ProcessBuilder("sh", "-c", "sleep 0.5 & wait", "sampled", "argv-SECRET-1").start();
        List<ArgvSampler.Argv> seen;
        try (ArgvSampler sampler = ArgvSampler.start(process.toHandle(), Duration.ofMillis(20))) {
            process.waitFor();
            seen = sampler.seen();
        }
        assertTrue(seen.stream().anyMatch(a -> a.root() && a.cmdline().contains("argv-SECRET-1")), seen.toString());
        assertTrue(seen.stream().anyMatch(a -> !a.root() && a.cmdline().equals("sleep 0.5")), seen.toString());
    }

    @Test
    void aForkOfTheLauncherCountsAsTheLauncher() throws Exception {
        // bin/ragback's $(...) subshells are forks with the script's own argv, not children it started
        Process process = new ProcessBuilder("sh", "-c", "x=$(sleep 0.4; echo); sleep 0.2", "launcher", "argv-SECRET-2").start();
        List<ArgvSampler.Argv> seen;
        try (ArgvSampler sampler = ArgvSampler.start(process.toHandle(), Duration.ofMillis(20))) {
            process.waitFor();
            seen = sampler.seen();
        }
        assertTrue(seen.stream().anyMatch(a -> a.root() && a.pid() != process.pid() && a.cmdline().contains("argv-SECRET-2")),
                "the subshell was seen: " + seen);
        assertTrue(seen.stream().filter(a -> a.cmdline().contains("argv-SECRET-2")).allMatch(ArgvSampler.Argv::root), seen.toString());
        assertTrue(seen.stream().anyMatch(a -> !a.root() && a.cmdline().equals("sleep 0.4")), seen.toString());
    }

    @Test
    void samplingThisJvmSeesWhatAnyOfItsThreadsStartedAndTheirChildren() throws Exception {
        // an in-process run starts its programs from worker threads: each thread has its own children list in /proc
        java.util.concurrent.atomic.AtomicReference<Process> started = new java.util.concurrent.atomic.AtomicReference<>();
        List<ArgvSampler.Argv> seen;
        try (ArgvSampler sampler = ArgvSampler.start(ProcessHandle.current(), Duration.ofMillis(20))) {
            Thread worker = new Thread(() -> {
                try {
                    started.set(new ProcessBuilder("sh", "-c", "sleep 0.4 & wait", "worker", "argv-SECRET-3").start());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            worker.start();
            worker.join();
            started.get().waitFor();
            seen = sampler.seen();
        }
        assertTrue(seen.stream().anyMatch(a -> !a.root() && a.cmdline().contains("argv-SECRET-3")), seen.toString());
        assertTrue(seen.stream().anyMatch(a -> !a.root() && a.cmdline().equals("sleep 0.4")), seen.toString());
    }
}
