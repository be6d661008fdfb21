package dev.ragback.testing.s3;

import dev.ragback.testing.Processes;
import dev.ragback.testing.cli.RagbackCli;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real S3 server: s3proxy with its filesystem backend and SigV4 auth, run as its own process on
 * its own classpath (ops/s3proxy/pom.xml, resolved into target/s3proxy.classpath), never on the
 * test classpath. Objects are plain files under {@link #dataDir()}/objects/bucket/key.
 */
public final class S3Proxy implements AutoCloseable {
    public static final String ACCESS_KEY = "ragback-test-access";
    public static final String SECRET_KEY = "ragback-test-secret-9f3c";
    public static final String REGION = "us-east-1";

    // a multipart upload's files in its bucket's dir: .mpus-<upload id>-<key>-stub, then one per part: -<part number>
    private static final String UPLOAD_FILE = "\\.mpus-([0-9a-f-]{36})-.+";

    private final Path dataDir;
    private final int port;
    private final Process process;

    private S3Proxy(Path dataDir, int port, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    /** Starts s3proxy over {@code dataDir} on a free loopback port and waits until it answers. */
    public static S3Proxy start(Path dataDir) throws IOException {
        IllegalStateException portTaken = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnFreePort(dataDir);
            } catch (PortTaken e) {
                portTaken = e;
            }
        }
        throw portTaken;
    }

    /** The port was free when chosen, not when s3proxy came to bind it: another server took it (and s3proxy exited). */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    private static S3Proxy startOnFreePort(Path dataDir) throws IOException {
        Files.createDirectories(dataDir.resolve("objects"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path properties = dataDir.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dataDir.resolve("objects"), ""));
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a test server lives for seconds: C1 only and one GC thread start it in about half the time
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + RagbackCli.projectDir().resolve("ops/s3proxy/logback.xml"), "-cp", classpath(), "org.gaul.s3proxy.Main", "--properties", properties.toString()));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("s3proxy.log").toFile()).start();
        S3Proxy proxy = new S3Proxy(dataDir, port, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = Files.readString(dataDir.resolve("s3proxy.log"));
                throw listening(port) ? new PortTaken("port " + port + " was taken before s3proxy bound it: " + log)
                        : new IllegalStateException("s3proxy exited: " + log);
            }
            // whatever listens must answer S3 signed with this server's keys: another server may hold the port
            if (listening(port) && proxy.answersAsS3()) {
                return proxy;
            }
            sleep(50);
        }
        proxy.close();
        throw new IllegalStateException("s3proxy did not listen on " + port + " within 60 s");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private boolean answersAsS3() {
        try (S3Client client = client()) {
            client.listBuckets();
            return true;
        } catch (RuntimeException notS3) {
            return false;
        }
    }

    /** s3proxy's own classpath, resolved by Maven into target/ on first use. */
    static synchronized String classpath() throws IOException {
        Path project = RagbackCli.projectDir();
        Path file = project.resolve("target/s3proxy.classpath");
        if (!Files.exists(file)) {
            List<String> mvn = List.of("mvn", "-B", "-q", "-f", project.resolve("ops/s3proxy/pom.xml").toString(),
                    "dependency:build-classpath", "-Dmdep.outputFile=" + file);
            try {
                Process resolve = new ProcessBuilder(mvn).inheritIO().start();
                if (resolve.waitFor() != 0) {
                    throw new IllegalStateException("could not resolve s3proxy's classpath: " + mvn);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return Files.readString(file).strip();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where the filesystem backend keeps an object: change a byte here to corrupt it. */
    public Path objectFile(String bucket, String key) {
        return dataDir.resolve("objects").resolve(bucket).resolve(key);
    }

    /**
     * s3proxy's own record of multipart upload {@code uploadId}: without it the upload is still listed
     * but every abort answers NoSuchUpload (a crash between the two files that initiate an upload leaves that).
     */
    public Path uploadRecord(String bucket, String uploadId) {
        // the filesystem backend initiates an upload with jclouds' .mpus-<id>-<key>-stub (what is listed), then this
        return dataDir.resolve("objects").resolve(bucket).resolve(".s3proxy-mpu-stub-" + uploadId);
    }

    /** Parts of {@code bucket}'s multipart uploads written whole (a part cut short stays a temp file, never listed). */
    public long partFiles(String bucket) {
        return files(bucket).stream().filter(f -> f.matches(UPLOAD_FILE + "-\\d{1,5}")).count();
    }

    /** Uploads {@code bucket} lists whose {@link #uploadRecord} is not written yet: a kill now leaves them unabortable. */
    public List<String> halfInitiatedUploads(String bucket) {
        Pattern stub = Pattern.compile(UPLOAD_FILE + "-stub");
        return files(bucket).stream().map(stub::matcher).filter(Matcher::matches).map(m -> m.group(1))
                .filter(id -> !Files.exists(uploadRecord(bucket, id))).toList();
    }

    // a temp file renamed while the tree is walked fails the walk: walk again
    private List<String> files(String bucket) {
        Path root = dataDir.resolve("objects").resolve(bucket);
        for (int attempt = 1; ; attempt++) {
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            try (Stream<Path> walk = Files.walk(root)) {
                return walk.filter(Files::isRegularFile).map(f -> root.relativize(f).toString()).toList();
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 5) {
                    throw new IllegalStateException("cannot list " + root, e);
                }
            }
        }
    }

    /**
     * SIGKILL if {@code ready} holds, read with s3proxy stopped (SIGSTOP) so what it reads is what the
     * kill leaves; otherwise s3proxy goes on (SIGCONT) and this answers false.
     */
    public boolean killIf(BooleanSupplier ready) throws IOException {
        Processes.signal(process.pid(), "STOP");
        if (ready.getAsBoolean()) {
            kill();
            return true;
        }
        Processes.signal(process.pid(), "CONT");
        return false;
    }


    public Path dataDir() {
        return dataDir;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A client for the test's own set-up and inspection. */
    public S3Client client() {
        return S3Client.builder().httpClientBuilder(Apache5HttpClient.builder()).region(Region.of(REGION))
                .endpointOverride(endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    /** The credentials in the environment, as the SDK's default chain reads them. */
    public Map<String, String> credentialsEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("AWS_REGION", REGION);
        // no ~/.aws of the machine's user: the chain must find these
        env.put("AWS_CONFIG_FILE", "/nonexistent/ragback-test-aws-config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/ragback-test-aws-credentials");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    @Override
    public void close() {
        kill();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
