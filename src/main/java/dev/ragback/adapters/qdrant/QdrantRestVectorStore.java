package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.Names;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.VectorStore;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link VectorStore} over Qdrant's REST API. */
public final class QdrantRestVectorStore implements VectorStore {
    private final QdrantHttp http;

    public QdrantRestVectorStore(URI baseUrl, String apiKeyOrNull, Duration requestTimeout) {
        this(baseUrl, apiKeyOrNull, requestTimeout, RetryPolicy.DEFAULT);
    }

    QdrantRestVectorStore(URI baseUrl, String apiKeyOrNull, Duration requestTimeout, RetryPolicy retry) {
        this.http = new QdrantHttp(baseUrl, apiKeyOrNull, requestTimeout, retry);
    }

    @Override
    public String serverVersion() {
        QdrantHttp.Reply reply = http.get("/", Set.of());
        JsonNode version = http.parse("GET", "/", reply).path("version");
        if (!version.isTextual()) {
            throw http.unreadable("GET", "/", "no 'version' in the answer", null);
        }
        return version.asText();
    }

    @Override
    public boolean ready() {
        // 503 is /readyz's "not yet", an answer rather than a failure
        return http.get("/readyz", Set.of(503)).status() == 200;
    }

    @Override
    public List<String> collectionNames() {
        return CollectionInfoReader.collectionNames(http.getResult("/collections"));
    }

    @Override
    public Optional<CollectionInfo> collection(String name) {
        String path = "/collections/" + segment("collection name", name);
        QdrantHttp.Reply reply = http.get(path, Set.of(404));
        if (reply.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(CollectionInfoReader.collection(name, http.result("GET", path, reply)));
    }

    @Override
    public List<Alias> aliases() {
        return CollectionInfoReader.aliases(http.getResult("/aliases"));
    }

    @Override
    public Optional<String> resolveAlias(String alias) {
        Names.require("alias", alias);
        return aliases().stream()
                .filter(a -> a.aliasName().equals(alias))
                .map(Alias::collectionName)
                .findFirst();
    }

    /** The name checked for safety and percent-encoded as one path segment. */
    static String segment(String what, String name) {
        Names.require(what, name);
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    @Override
    public String toString() {
        return "QdrantRestVectorStore[" + http.where() + "]";
    }
}
