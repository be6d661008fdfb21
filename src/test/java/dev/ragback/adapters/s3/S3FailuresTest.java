package dev.ragback.adapters.s3;

import com.sun.net.httpserver.HttpServer;
import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wrong signing region, as AWS S3 answers it: 400 AuthorizationHeaderMalformed naming the region
 * the bucket expects (s3proxy accepts any region, see S3BlobStoreTest). The answer here is AWS's
 * documented error body; the SDK parses it and ragback must turn it into the region/path-style hint.
 */
class S3FailuresTest {
    private static final String WRONG_REGION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationHeaderMalformed</Code>"
            + "<Message>The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message>"
            + "<Region>eu-west-1</Region><RequestId>RAGBACKTEST0001</RequestId><HostId>ragback-test-host</HostId></Error>";

    private HttpServer aws;

    @BeforeEach
    void start() throws IOException {
        aws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        aws.createContext("/", exchange -> {
            byte[] body = WRONG_REGION.getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.getResponseHeaders().add("x-amz-request-id", "RAGBACKTEST0001");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        aws.start();
    }

    @AfterEach
    void stop() {
        aws.stop(0);
    }

    @Test
    void aWrongRegionNamesTheRegionAndPathStyleWithoutTheSecret() {
        URI endpoint = URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
        try (S3BlobStore store = new S3BlobStore(new S3Settings("rag-backups", "prod", endpoint, "us-east-1", true, null, null,
                5 << 20), java.util.Map.of("AWS_ACCESS_KEY_ID", "AKIARAGBACKTEST0001", "AWS_SECRET_ACCESS_KEY", "region-test-secret-7d1e"))) {
            RagbackException e = assertThrows(RagbackException.class, () -> store.list(""));
            assertEquals(RagbackException.Kind.EXTERNAL, e.kind());
            assertTrue(e.getMessage().contains("signature mismatch or wrong region/addressing (AuthorizationHeaderMalformed)"),
                    e.getMessage());
            assertTrue(e.hint().contains("backups.s3.region") && e.hint().contains("backups.s3.path_style"), e.hint());
            assertFalse((e.getMessage() + e.hint()).contains("region-test-secret-7d1e"));
        }
    }
}
