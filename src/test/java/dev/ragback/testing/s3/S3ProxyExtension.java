package dev.ragback.testing.s3;

import dev.ragback.testing.cli.TempDirs;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * One s3proxy per test JVM (started on first use, killed when the JVM exits) and a bucket of its
 * own for each test class, resolved as an {@link S3Bucket} parameter. Tests that kill the server
 * start their own with {@link S3Proxy#start}.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static S3Proxy shared;

    static synchronized S3Proxy shared() {
        if (shared == null) {
            try {
                // deleted when the test JVM exits: /tmp had kept 248 of them
                Path dir = TempDirs.create("ragback-s3proxy-");
                shared = S3Proxy.start(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(shared::kill));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = ("rb-" + context.getRequiredTestClass().getSimpleName() + "-" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
        S3Proxy proxy = shared();
        try (var client = proxy.client()) {
            client.createBucket(r -> r.bucket(name));
        }
        context.getStore(ExtensionContext.Namespace.create(S3ProxyExtension.class)).put("bucket", new S3Bucket(proxy, name));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        S3Bucket bucket = context.getStore(ExtensionContext.Namespace.create(S3ProxyExtension.class)).get("bucket", S3Bucket.class);
        if (bucket != null && bucket.proxy().alive()) {
            bucket.drop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3Bucket.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(ExtensionContext.Namespace.create(S3ProxyExtension.class)).get("bucket", S3Bucket.class);
    }

    /** A new bucket on {@code proxy} (for a test's own server). */
    public static S3Bucket newBucket(S3Proxy proxy, String name) {
        try (var client = proxy.client()) {
            client.createBucket(r -> r.bucket(name));
        }
        return new S3Bucket(proxy, name);
    }
}
