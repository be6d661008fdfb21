package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.VectorStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory vector store for use-case tests. */
public final class FakeVectorStore implements VectorStore {
    public final Map<String, CollectionInfo> collections = new LinkedHashMap<>();
    public final List<Alias> aliases = new ArrayList<>();
    public String version = "1.19.0";
    public boolean ready = true;
    public boolean down;

    public FakeVectorStore withCollection(String name, String status, long points) {
        collections.put(name, new CollectionInfo(name, status, points, List.of(new CollectionInfo.VectorParams("", 4, "Cosine"))));
        return this;
    }

    public FakeVectorStore withAlias(String alias, String collection) {
        aliases.add(new Alias(alias, collection));
        return this;
    }

    private void reachable() {
        if (down) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "Qdrant at http://fake:6333: connection refused");
        }
    }

    @Override
    public String serverVersion() {
        reachable();
        return version;
    }

    @Override
    public boolean ready() {
        reachable();
        return ready;
    }

    @Override
    public List<String> collectionNames() {
        reachable();
        return List.copyOf(collections.keySet());
    }

    @Override
    public Optional<CollectionInfo> collection(String name) {
        reachable();
        return Optional.ofNullable(collections.get(name));
    }

    @Override
    public List<Alias> aliases() {
        reachable();
        return List.copyOf(aliases);
    }

    @Override
    public Optional<String> resolveAlias(String alias) {
        reachable();
        return aliases.stream().filter(a -> a.aliasName().equals(alias)).map(Alias::collectionName).findFirst();
    }
}
