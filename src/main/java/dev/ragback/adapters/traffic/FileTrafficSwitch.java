package dev.ragback.adapters.traffic;

import dev.ragback.app.files.AtomicFiles;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.TrafficSwitch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Traffic as a number in a file ({@code traffic.file}) that the load balancer or a sidecar
 * watches. A missing file means full traffic: that is the pipeline's normal state before
 * ragback ever touched the switch.
 */
public final class FileTrafficSwitch implements TrafficSwitch {
    static final int FULL_TRAFFIC = 100;

    private final Path file;

    public FileTrafficSwitch(Path file) {
        this.file = file;
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public OptionalInt percent() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return OptionalInt.of(FULL_TRAFFIC);
        } catch (IOException e) {
            throw RagbackException.external("cannot read the traffic file " + file + ": " + e.getMessage(),
                    "check its permissions (traffic.file)", e);
        }
        if (text.matches("\\d{1,3}")) {
            int percent = Integer.parseInt(text);
            if (percent <= 100) {
                return OptionalInt.of(percent);
            }
        }
        throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                "the traffic file " + file + " holds '" + Names.printable(text) + "', not a percentage 0..100",
                "set it again: ragback traffic set 0 (or 100)");
    }

    @Override
    public void set(int percent) {
        try {
            AtomicFiles.write(file, (percent + "\n").getBytes(StandardCharsets.UTF_8), "rw-r--r--", true);
        } catch (IOException e) {
            throw RagbackException.external("cannot write the traffic file " + file + ": " + e.getMessage(),
                    "check that its directory is writable, or set traffic.file", e);
        }
    }

    @Override
    public String toString() {
        return "FileTrafficSwitch[" + file + "]";
    }
}
