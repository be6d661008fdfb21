package dev.ragback.adapters.release;

import dev.ragback.app.files.AtomicFiles;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.port.ReleaseSwitch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Releases as directories of {@code release.dir}, one per version; {@code <dir>/current} is a
 * symlink to the live one, replaced atomically (a new link renamed over the old one). A release
 * is green when its directory holds a {@code .green} marker file (its content: when it was marked).
 */
public final class SymlinkReleaseSwitch implements ReleaseSwitch {
    static final String CURRENT = "current";
    static final String GREEN_MARKER = ".green";

    private final Path dir;

    public SymlinkReleaseSwitch(Path dir) {
        this.dir = dir;
    }

    @Override
    public List<Release> releases() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Release> releases = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(CURRENT) && !name.startsWith(".") && Names.problem(name) == null && Files.isDirectory(entry)) {
                    releases.add(new Release(name, Files.exists(entry.resolve(GREEN_MARKER))));
                }
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        releases.sort(Comparator.comparing(Release::version, Versions.SEMANTIC));
        return List.copyOf(releases);
    }

    @Override
    public Optional<String> current() {
        Path link = dir.resolve(CURRENT);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isSymbolicLink(link)) {
            throw notALink(link);
        }
        Path target;
        try {
            target = Files.readSymbolicLink(link);
        } catch (IOException e) {
            throw unreadable(e);
        }
        Path name = target.getFileName();
        if (name == null || Names.problem(name.toString()) != null || !Files.isDirectory(dir.resolve(name.toString()))) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    link + " points at '" + Names.printable(String.valueOf(target)) + "', which is not a release directory in " + dir,
                    "see: ragback release list; point the link at a release directory");
        }
        return Optional.of(name.toString());
    }

    @Override
    public void activate(String version) {
        Path release = requireRelease(version);
        Path link = dir.resolve(CURRENT);
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
            throw notALink(link);
        }
        Path temp = dir.resolve("." + CURRENT + "-" + UUID.randomUUID());
        try {
            Files.createSymbolicLink(temp, release.getFileName());
            Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw RagbackException.external("cannot point " + link + " at " + version + ": " + e.getMessage(),
                    "check that " + dir + " is writable", e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover hidden link is ignored by releases()
            }
        }
        AtomicFiles.syncDirectory(dir);
    }

    @Override
    public void markGreen(String version) {
        Path marker = requireRelease(version).resolve(GREEN_MARKER);
        try {
            AtomicFiles.write(marker, (Instant.now() + "\n").getBytes(StandardCharsets.UTF_8), "rw-r--r--", true);
        } catch (IOException e) {
            throw RagbackException.external("cannot write " + marker + ": " + e.getMessage(),
                    "check that the release directory is writable", e);
        }
    }

    private Path requireRelease(String version) {
        Names.require("release version", version);
        Path release = dir.resolve(version);
        if (!Files.isDirectory(release)) {
            throw new RagbackException(RagbackException.Kind.USAGE, "no release " + version + " in " + dir,
                    "see: ragback release list");
        }
        return release;
    }

    private RagbackException notALink(Path link) {
        return new RagbackException(RagbackException.Kind.MALFORMED_INPUT, link + " is not a symlink",
                "release.mode symlink needs <release.dir>/current to be a symlink to a release directory");
    }

    private RagbackException unreadable(IOException e) {
        return RagbackException.external("cannot read the release directory " + dir + ": " + e.getMessage(),
                "check release.dir and its permissions", e);
    }

    @Override
    public String toString() {
        return "SymlinkReleaseSwitch[" + dir + "]";
    }
}
