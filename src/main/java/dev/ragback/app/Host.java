package dev.ragback.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who and where we run, for manifests and events, without a DNS lookup. */
public final class Host {
    private Host() {
    }

    public static String name() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the environment
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env;
    }

    public static String userAtHost() {
        return System.getProperty("user.name", "unknown") + "@" + name();
    }
}
