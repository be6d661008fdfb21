package dev.ragback.app.vectors;

import dev.ragback.app.Names;
import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.VectorStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code ragback qdrant drop}: deletes a collection that nothing serves from, such as the one a
 * restore keeps so that it can be undone (SPEC section 5). A collection an alias points at, or the
 * configured {@code qdrant.collection} itself, is refused.
 */
public final class CollectionDrop {

    /** What will go: the collection and how many points it holds now. */
    public record Plan(String collection, Long points) {
    }

    private final VectorStore store;
    private final String configuredCollection;
    private final AuditLog audit;
    private final Supplier<Operator> operator;

    public CollectionDrop(VectorStore store, String configuredCollection, AuditLog audit, Supplier<Operator> operator) {
        this.store = store;
        this.configuredCollection = configuredCollection;
        this.audit = audit;
        this.operator = operator;
    }

    /** Checks that {@code collection} exists and is not live; changes nothing. */
    public Plan plan(String collection) {
        Names.require("collection name", collection);
        CollectionInfo info = store.collection(collection).orElseThrow(() -> RagbackException.external(
                "Qdrant has no collection '" + collection + "'", "list them: ragback qdrant collections", null));
        if (collection.equals(configuredCollection)) {
            throw RagbackException.usage("refusing to drop " + collection + ": it is qdrant.collection, the one the pipeline reads");
        }
        List<String> pointing = store.aliases().stream().filter(a -> a.collectionName().equals(collection))
                .map(Alias::aliasName).toList();
        if (!pointing.isEmpty()) {
            throw new RagbackException(RagbackException.Kind.USAGE, "refusing to drop " + collection + ": alias "
                    + String.join(", ", pointing) + " points at it", "only a collection no alias points at can be dropped;"
                    + " see: ragback qdrant collections");
        }
        return new Plan(collection, info.pointsCount());
    }

    /** Deletes it and records a {@code qdrant_collection_dropped} event; a TaskDB that cannot take it is a warning. */
    public void drop(Plan plan, Consumer<String> warn) {
        store.deleteCollection(plan.collection());
        Operator who = operator.get();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("collection", plan.collection());
        metadata.put("points", plan.points());
        metadata.put("user", who.user());
        metadata.put("host", who.host());
        try {
            audit.record("qdrant", "qdrant_collection_dropped", metadata);
        } catch (RagbackException e) {
            warn.accept("the drop of " + plan.collection() + " is not in TaskDB: " + e.getMessage());
        }
    }
}
