package dev.ragback.cli;

import dev.ragback.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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

    @Test
    void everyServiceThatOthersShareIsBuiltOncePerInvocation() throws Exception {
        try (Services one = services(); Services other = services()) {
            one.rollback(); // builds restore, releases, compat, traffic and the report through the same instances
            one.verifiedRestore();
            List<Supplier<Object>> shared = List.of(one::auditLog, one::postgres, one::appliedMigrations, one::dumpTool,
                    one::releaseSwitch, one::trafficSwitch, one::releases, one::traffic, one::snapshotVerifier, one::snapshotCatalog,
                    one::restore, one::verify, one::smoke);
            for (Supplier<Object> service : shared) {
                Object first = service.get();
                assertSame(first, service.get(), first.getClass().getSimpleName());
            }
            assertNotSame(one.restore(), other.restore(), "another invocation gets its own");
            assertNotSame(one.snapshotCatalog(), other.snapshotCatalog(), "another invocation gets its own");
        }
    }
}
