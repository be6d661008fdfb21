package dev.ragback.app.snapshot;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.AtomicFiles;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.Permissions;
import dev.ragback.app.files.Sha256;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The layout of the backups directory: one directory per set, {@code .tmp-<id>} while a set is
 * written, and {@code SHA256SUMS} over every complete set.
 */
public final class BackupsDir {
    public static final String SUMS = "SHA256SUMS";
    public static final String MANIFEST = "manifest.json";
    static final String TEMP_PREFIX = ".tmp-";
    static final Pattern ID = Pattern.compile("\\d{8}-\\d{6}(-\\d+)?");
    static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /**
     * One directory found in the backups dir.
     *
     * @param id       set id (for a temp dir: the id it was going to get)
     * @param dir      where it is
     * @param manifest its manifest when complete and readable, else {@code null}
     * @param problem  why it is not complete, or {@code null}
     * @param where    where the set is, for people: its directory or {@code s3://bucket/prefix/<id>}
     */
    public record Entry(String id, Path dir, Manifest manifest, String problem, String where) {
        public Entry(String id, Path dir, Manifest manifest, String problem) {
            this(id, dir, manifest, problem, String.valueOf(dir));
        }

        public boolean complete() {
            return manifest != null && problem == null;
        }
    }

    private final Path root;

    public BackupsDir(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Creates {@code .tmp-<id>} for a new set; the id is the UTC time, with -2, -3 on collision. */
    public String allocate(Instant now) throws IOException {
        Permissions.ownerOnlyDirectory(root);
        String base = ID_TIME.format(now);
        for (int n = 1; ; n++) {
            String id = n == 1 ? base : base + "-" + n;
            if (Files.exists(root.resolve(id))) {
                continue;
            }
            try {
                Files.createDirectory(temp(id));
                Permissions.ownerOnlyDirectory(temp(id));
                return id;
            } catch (FileAlreadyExistsException e) {
                // another create took this id a moment ago: try the next suffix
            }
        }
    }

    public Path temp(String id) {
        return root.resolve(TEMP_PREFIX + id);
    }

    /** The directory of a set; fails USAGE for names that are not safe, INTEGRITY when there is no such set. */
    public Path existing(String id) {
        Names.require("snapshot id", id);
        Path dir = root.resolve(id);
        if (!ID.matcher(id).matches() || !Files.isDirectory(dir)) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "no snapshot set '" + id + "' in " + root,
                    "list the sets: ragback snapshot list");
        }
        return dir;
    }

    /** Moves a finished temp dir into place: from here on the set is complete. */
    public Path publish(String id) throws IOException {
        Path target = root.resolve(id);
        AtomicFiles.move(temp(id), target);
        AtomicFiles.syncDirectory(root);
        return target;
    }

    /** Undoes {@link #publish}: the set becomes {@code .tmp-<id>} again, incomplete. */
    public void unpublish(String id) throws IOException {
        AtomicFiles.move(root.resolve(id), temp(id));
        AtomicFiles.syncDirectory(root);
    }

    /** Every set and leftover, newest first. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return entries;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    entries.add(new Entry(name.substring(TEMP_PREFIX.length()), dir, null, "incomplete (left by an interrupted create)"));
                } else if (ID.matcher(name).matches()) {
                    entries.add(entry(name, dir));
                }
            }
        } catch (IOException e) {
            throw RagbackException.external("cannot list " + root + ": " + e.getMessage(), "check backups.dir", e);
        }
        entries.sort(Comparator.comparing((Entry e) -> sortKey(e.id())).reversed());
        return entries;
    }

    /** The entry of set directory {@code dir}, as its manifest there says. */
    static Entry entry(String id, Path dir) {
        try {
            Manifest manifest = ManifestJson.read(dir.resolve(MANIFEST));
            if (!manifest.complete() || !id.equals(manifest.id())) {
                return new Entry(id, dir, null, "incomplete (manifest says " + manifest.status() + ", id " + manifest.id() + ")");
            }
            return new Entry(id, dir, manifest, null);
        } catch (RagbackException e) {
            return new Entry(id, dir, null, "incomplete (" + e.getMessage() + ")");
        }
    }

    /** Orders {@code 20261128-031502-10} after {@code 20261128-031502-9}. */
    static String sortKey(String id) {
        int dash = id.indexOf('-', 9);
        String suffix = dash < 0 ? "1" : id.substring(dash + 1);
        return (dash < 0 ? id : id.substring(0, dash)) + "-" + "0".repeat(Math.max(0, 6 - suffix.length())) + suffix;
    }

    /**
     * Rewrites SHA256SUMS atomically: every data file of every complete set as its manifest gives
     * it, and the manifest itself as it is on disk, so that {@code sha256sum -c} also catches an
     * edited manifest. Call it again after a manifest is rewritten.
     */
    public void writeSums() throws IOException {
        StringBuilder sums = new StringBuilder();
        List<Entry> complete = new ArrayList<>(entries().stream().filter(Entry::complete).toList());
        complete.sort(Comparator.comparing(e -> sortKey(e.id())));
        for (Entry entry : complete) {
            sums.append(Sha256.of(entry.dir().resolve(MANIFEST), MANIFEST).sha256()).append("  ").append(entry.id()).append('/')
                    .append(MANIFEST).append('\n');
            for (FileDigest file : entry.manifest().dataFiles()) {
                sums.append(file.sha256()).append("  ").append(entry.id()).append('/').append(file.path()).append('\n');
            }
        }
        Permissions.ownerOnlyDirectory(root);
        AtomicFiles.write(root.resolve(SUMS), sums.toString(), false);
    }

    /** As {@link #delete}, for clean-up after the work is done: a failure is a warning, and false. */
    public boolean deleteQuietly(Path dir) {
        try {
            if (Files.exists(dir)) {
                delete(dir);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(BackupsDir.class).warn("could not remove {}: {}", dir, e.getMessage());
            return false;
        }
    }

    /** Removes a directory tree (a set or a leftover). */
    public void delete(Path dir) throws IOException {
        if (!dir.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize()) || dir.equals(root)) {
            throw new IllegalArgumentException(dir + " is not inside " + root);
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
