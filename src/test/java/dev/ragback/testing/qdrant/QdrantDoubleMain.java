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
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
        } catch (IllegalArgumentException e) {
            usage(System.err, e.getMessage());
            System.exit(2);
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
    }
}
