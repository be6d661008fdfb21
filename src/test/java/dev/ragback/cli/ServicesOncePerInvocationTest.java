package dev.ragback.cli;

import dev.ragback.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The composition root builds a shared service once per invocation (rollback() used to build compat() three times). */
class ServicesOncePerInvocationTest {
    @TempDir
    Path dir;

    private Services services() throws Exception {
        Path file = Files.writeString(dir.resolve("ragback.yaml"), "");
        return new Services(new ConfigLoader(file).load(file, Map.of(), Map.of()));
    }

    @Test
    void compatAndTheVectorStoreAreBuiltOncePerInvocation() throws Exception {
        try (Services one = services(); Services other = services()) {
            assertSame(one.compat(), one.compat());
            assertSame(one.vectorStore(), one.vectorStore());
            assertNotSame(one.compat(), other.compat(), "another invocation gets its own");
        }
    }
}
