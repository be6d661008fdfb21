package dev.ragback.testing.qdrant;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link QdrantDouble} as its own process for benchmarks:
 * {@code --port N} (0: a free one), {@code --api-key-env NAME} (the key is read from that
 * environment variable), {@code --snapshot-ballast-bytes N}, {@code --cluster-peers N} (GET /cluster
 * reports a cluster of N peers), {@code --scramble-recoveries N} (the next N recoveries move the
 * vectors: green, exact count, wrong answers), {@code --hold-first-alias-change SECONDS} (the first
 * alias switch hangs that long, then answers 503 having changed nothing; later ones go through). Prints
 * {@code listening on http://127.0.0.1:PORT} and serves until killed.
 * <p>
 * Cluster mode, {@code --cluster-nodes N}: a {@link QdrantDoubleCluster} of N nodes on ports
 * {@code --port P} … P+N-1 (0: free ports), {@code --activation-delay-ms N} for new replicas (default
 * 200), {@code --urls-file PATH} to get the node URLs one a line (written once all nodes listen);
 * prints one {@code listening on URL} line per node, in node order. The api key and the snapshot
 * ballast apply to every node; {@code --cluster-peers} makes no sense there and is refused.
 */
public final class QdrantDoubleMain {
    private QdrantDoubleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        String apiKey = null;
        long ballast = 0;
        int peers = 0;
        int scrambled = 0;
        int holdAliasSeconds = 0;
        int clusterNodes = 0;
        long activationMillis = 200;
        String urlsFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(required(args[i], value));
                    case "--api-key-env" -> apiKey = apiKey(required(args[i], value));
                    case "--snapshot-ballast-bytes" -> ballast = Long.parseLong(required(args[i], value));
                    case "--cluster-peers" -> peers = Integer.parseInt(required(args[i], value));
                    case "--scramble-recoveries" -> scrambled = Integer.parseInt(required(args[i], value));
                    case "--hold-first-alias-change" -> holdAliasSeconds = Integer.parseInt(required(args[i], value));
                    case "--cluster-nodes" -> clusterNodes = Integer.parseInt(required(args[i], value));
                    case "--activation-delay-ms" -> activationMillis = Long.parseLong(required(args[i], value));
                    case "--urls-file" -> urlsFile = required(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (clusterNodes < 0 || clusterNodes > 0 && peers > 0) {
                throw new IllegalArgumentException("--cluster-nodes takes a positive count, and not with --cluster-peers");
            }
        } catch (IllegalArgumentException e) {
            usage(System.err, e.getMessage());
            System.exit(2);
        }
        if (clusterNodes > 0) {
            serveCluster(clusterNodes, apiKey, port, ballast, java.time.Duration.ofMillis(activationMillis), urlsFile);
            return;
        }
        QdrantDouble qdrant = new QdrantDouble(apiKey, port);
        qdrant.snapshotBallast(ballast);
        qdrant.clusterPeers(peers);
        qdrant.scrambleNextRecoveries(scrambled);
        if (holdAliasSeconds > 0) {
            holdFirstAliasChange(qdrant, holdAliasSeconds);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(qdrant::close, "qdrant-double-stop"));
        System.out.println("listening on " + qdrant.url());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void serveCluster(int nodes, String apiKey, int port, long ballast, java.time.Duration activation,
                                     String urlsFile) throws InterruptedException {
        QdrantDoubleCluster cluster = QdrantDoubleCluster.startOnPorts(nodes, apiKey, port);
        cluster.activationDelay(activation);
        for (int i = 0; i < nodes; i++) {
            cluster.node(i).snapshotBallast(ballast);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "qdrant-double-stop"));
        if (urlsFile != null) {
            writeUrls(java.nio.file.Path.of(urlsFile), cluster.urls());
        }
        cluster.urls().forEach(url -> System.out.println("listening on " + url));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void writeUrls(java.nio.file.Path file, java.util.List<String> urls) {
        try {
            java.nio.file.Path part = file.resolveSibling(file.getFileName() + ".part");
            java.nio.file.Files.write(part, urls);
            java.nio.file.Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void holdFirstAliasChange(QdrantDouble qdrant, int seconds) {
        qdrant.holdAliasChanges();
        Thread release = new Thread(() -> {
            try {
                while (qdrant.aliasChangesWaiting() == 0) {
                    Thread.sleep(50);
                }
                Thread.sleep(seconds * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            qdrant.releaseAliasChanges();
        }, "qdrant-double-alias-hold");
        release.setDaemon(true);
        release.start();
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static String apiKey(String variable) {
        String key = System.getenv(variable);
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set");
        }
        return key;
    }

    private static void usage(PrintStream err, String problem) {
        err.println("qdrant-double: " + problem);
        err.println("usage: QdrantDoubleMain [--port N] [--api-key-env NAME] [--snapshot-ballast-bytes N] [--cluster-peers N]"
                + " [--scramble-recoveries N] [--hold-first-alias-change SECONDS]");
        err.println("       QdrantDoubleMain --cluster-nodes N [--port FIRST] [--api-key-env NAME] [--activation-delay-ms N]"
                + " [--urls-file PATH] [--snapshot-ballast-bytes N]   (nodes on ports FIRST..FIRST+N-1, 0: free ports)");
    }
}
