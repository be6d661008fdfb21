package dev.ragback.testing;

import dev.ragback.testing.cli.RagbackCli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory that runs out of space, for disk-full tests. Where the test may mount (root, no
 * container restriction) it is a small tmpfs, filled up by a ballast file until only the bytes
 * asked for stay free: writes past that fail with ENOSPC. Where mounting is refused, runs of
 * ragback are started under {@code prlimit --fsize=N} instead: every file the process writes past
 * N bytes fails with EFBIG ("File too large"; the JVM ignores SIGXFSZ), a real-world limit that
 * needs no privileges. {@link #close()} unmounts.
 */
public final class DiskLimit implements AutoCloseable {
    private static final String BALLAST = ".ballast";
    private static final long UNLIMITED = -1;

    private final Path dir;
    private final boolean tmpfs;
    private final String refusal;
    private long fileSizeLimit = UNLIMITED;

    private DiskLimit(Path dir, boolean tmpfs, String refusal) {
        this.dir = dir;
        this.tmpfs = tmpfs;
        this.refusal = refusal;
    }

    /** Mounts a tmpfs of {@code capacityBytes} on {@code dir} (created if missing) when allowed, else prepares the fallback. */
    public static DiskLimit on(Path dir, long capacityBytes) {
        try {
            Files.createDirectories(dir);
            List<String> argv = List.of("mount", "-t", "tmpfs", "-o", "size=" + Math.max(1, capacityBytes / 1024) + "k,mode=0700",
                    "tmpfs", dir.toString());
            Process mount = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            boolean done = mount.waitFor(20, TimeUnit.SECONDS);
            String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!done) {
                mount.destroyForcibly();
                return new DiskLimit(dir, false, "mount did not answer within 20s");
            }
            return mount.exitValue() == 0 ? new DiskLimit(dir, true, null)
                    : new DiskLimit(dir, false, "mount refused (exit " + mount.exitValue() + "): " + output);
        } catch (IOException e) {
            return new DiskLimit(dir, false, "mount could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mounting", e);
        }
    }

    /** The prlimit fallback without trying to mount (to check it where mounting would work). */
    public static DiskLimit fallback(Path dir, String why) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DiskLimit(dir, false, why);
    }

    public boolean tmpfs() {
        return tmpfs;
    }

    /** "tmpfs" or "prlimit --fsize (…why mount was refused…)", for the scenario table. */
    public String mechanism() {
        return tmpfs ? "tmpfs" : "prlimit --fsize (" + refusal + ")";
    }

    /**
     * From now on writes fail once about {@code bytes} more are written: on the tmpfs by filling it
     * up with ballast; in the fallback every file of a later {@link #run} is limited to this size.
     */
    public void leaveFree(long bytes) {
        if (!tmpfs) {
            fileSizeLimit = bytes;
            return;
        }
        try {
            long ballast = Files.getFileStore(dir).getUsableSpace() - bytes;
            if (ballast <= 0) {
                return;
            }
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(dir.resolve(BALLAST))) {
                for (long left = ballast; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fill " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes the limit again (the ballast, or the file size limit). */
    public void makeRoom() {
        fileSizeLimit = UNLIMITED;
        try {
            Files.deleteIfExists(dir.resolve(BALLAST));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Free bytes on the tmpfs; -1 in the fallback, which has no file system of its own. */
    public long free() {
        try {
            return tmpfs ? Files.getFileStore(dir).getUsableSpace() : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs ragback through {@code cli} (a prlimit wrapper in the fallback, built by {@code viaPrlimit}). */
    public RagbackCli.Result run(RagbackCli plain, RagbackCli viaPrlimit, String... args) {
        if (tmpfs || fileSizeLimit == UNLIMITED) {
            return plain.run(args);
        }
        List<String> argv = new ArrayList<>(List.of("--fsize=" + fileSizeLimit, RagbackCli.projectDir().resolve("bin/ragback").toString()));
        argv.addAll(List.of(args));
        return viaPrlimit.run(argv.toArray(String[]::new));
    }

    /** The prlimit program, for the fallback's {@link RagbackCli}. */
    public static Path prlimit() {
        for (String place : List.of("/usr/bin/prlimit", "/bin/prlimit", "/usr/local/bin/prlimit")) {
            if (Files.isExecutable(Path.of(place))) {
                return Path.of(place);
            }
        }
        return Path.of("prlimit");
    }

    @Override
    public void close() {
        if (!tmpfs) {
            return;
        }
        try {
            Process umount = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
            if (!umount.waitFor(20, TimeUnit.SECONDS) || umount.exitValue() != 0) {
                umount.destroyForcibly();
                new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unmount " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
