package dev.ragback.testing.pg;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A cluster data directory made by initdb once per build and copied for each {@link ThrowawayPostgres}:
 * initdb costs about 1.4 s of CPU (postgres --boot and --single), a copy about 0.1 s. A template lives
 * in {@code <root>/<key>/}, the key naming the PostgreSQL binaries, the initdb options and the user, so
 * another PostgreSQL never reuses it. Its superuser password is random and kept only in a 0600 file
 * beside the data; every copy is given a password of its own as soon as it starts.
 */
final class ClusterTemplate {
    static final String SUPERUSER = "rag";
    private static final List<String> INITDB_OPTIONS = List.of(
            "-U", SUPERUSER, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    // the JVM building the template holds the lock for one initdb; past this the others build their own
    private static final Duration LOCK_WAIT = INITDB_TIMEOUT.plusSeconds(30);
    static final String DATA = "data";
    static final String PASSWORD_FILE = "superuser-password";

    private final Optional<Path> root;

    ClusterTemplate(Optional<Path> root) {
        this.root = root;
    }

    /**
     * The build's templates: {@code -Dragback.pg.templates} (Maven sets target/pg-templates), else
     * target/pg-templates of the working directory if it has a target/, else none (initdb every time).
     */
    static ClusterTemplate standard() {
        String configured = System.getProperty("ragback.pg.templates");
        if (configured != null && !configured.isBlank()) {
            return new ClusterTemplate(Optional.of(Path.of(configured)));
        }
        Path target = Path.of(System.getProperty("user.dir"), "target");
        return new ClusterTemplate(Files.isDirectory(target) ? Optional.of(target.resolve("pg-templates")) : Optional.empty());
    }

    /** Runs initdb into {@code dataDir} with {@code password} for the superuser ({@code dataDir}'s parent belongs to the server user). */
    static void initdb(PgProcesses processes, Path dataDir, String password) throws IOException, InterruptedException {
        Path passwordFile = dataDir.resolveSibling("pwfile");
        Files.writeString(passwordFile, ScramSecret.of(password) + "\n");
        try {
            processes.handOver(passwordFile);
            List<String> args = new ArrayList<>(List.of("-D", dataDir.toString(), "--pwfile=" + passwordFile));
            args.addAll(INITDB_OPTIONS);
            processes.run(INITDB_TIMEOUT, "initdb", args.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    /**
     * Copies the template into {@code dataDir} (which must not exist), making the template first if it
     * is missing, and returns the superuser password the copy has; empty when there is no template root.
     */
    Optional<String> copyTo(Path dataDir, PgProcesses processes) throws IOException, InterruptedException {
        if (root.isEmpty()) {
            return Optional.empty();
        }
        Path template = location(processes.binDir());
        if (!isComplete(template)) {
            build(template, processes);
        }
        copyTree(template.resolve(DATA), dataDir);
        return Optional.of(Files.readString(template.resolve(PASSWORD_FILE), StandardCharsets.UTF_8));
    }

    Optional<Path> root() {
        return root;
    }

    /** Where the template for the PostgreSQL in {@code binDir} is (or will be) kept. */
    Path location(Path binDir) throws IOException {
        return root.orElseThrow().resolve(key(binDir));
    }

    // synchronized for the threads of this JVM; the file lock for the other test JVMs starting at the same moment
    private static synchronized void build(Path template, PgProcesses processes) throws IOException, InterruptedException {
        Files.createDirectories(template.getParent());
        Path lockFile = template.resolveSibling(template.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = awaitLock(channel)) {
            if (isComplete(template)) {
                return;
            }
            Path building = Files.createTempDirectory(template.getParent(), template.getFileName() + ".building-");
            try {
                String password = randomPassword();
                processes.handOver(building);
                initdb(processes, building.resolve(DATA), password);
                Files.writeString(Files.createFile(building.resolve(PASSWORD_FILE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), password);
                publish(building, template);
            } finally {
                deleteRecursively(building);
            }
        }
    }

    private static FileLock awaitLock(FileChannel channel) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            Thread.sleep(100);
        }
        return null; // build without it: publish() settles a race
    }

    /** Renames the finished template into place at once; a JVM that lost a race uses the winner's. */
    private static void publish(Path building, Path template) throws IOException {
        try {
            Files.move(building, template, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!isComplete(template)) {
                throw e;
            }
        }
    }

    private static boolean isComplete(Path template) {
        return Files.isDirectory(template.resolve(DATA)) && Files.isRegularFile(template.resolve(PASSWORD_FILE));
    }

    private static String key(Path binDir) throws IOException {
        StringBuilder identity = new StringBuilder(binDir.toRealPath().toString());
        for (String program : List.of("initdb", "postgres")) {
            BasicFileAttributes attributes = Files.readAttributes(binDir.resolve(program), BasicFileAttributes.class);
            identity.append('\n').append(program).append(' ').append(attributes.size()).append(' ').append(attributes.lastModifiedTime());
        }
        identity.append('\n').append(String.join(" ", INITDB_OPTIONS)).append('\n').append(System.getProperty("user.name"));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return "pg-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static String randomPassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Copies with permissions and owners (the server wants its data directory 0700 and its own). */
    private static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Files.copy(dir, target.resolve(source.relativize(dir)), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file)), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
