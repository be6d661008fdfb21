package dev.ragback.adapters.os;

import dev.ragback.app.Operator;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The user and host this process runs as, for audit events. */
public final class LocalOperator {
    private static final Path LINUX_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private LocalOperator() {
    }

    public static Operator current() {
        return new Operator(System.getProperty("user.name", "unknown"), hostName());
    }

    private static String hostName() {
        // the kernel's name first: a name lookup can hang for seconds when DNS is broken
        try {
            String name = Files.readString(LINUX_HOSTNAME, StandardCharsets.UTF_8).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | SecurityException ignored) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
