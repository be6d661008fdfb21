package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The double's collections and aliases. One lock: alias changes become visible all at once. */
public final class CollectionStore {
    private final Map<String, StoredCollection> collections = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    /** Creates a collection; {@code vectors} is the create request's {@code vectors} member. */
    public synchronized void create(String name, JsonNode vectors) {
        put(name, () -> StoredCollection.fromRequest(name, vectors));
    }

    /** Creates a collection from a whole create request ({@code vectors}, {@code shard_number}, {@code hnsw_config}...). */
    public synchronized void createFromRequest(String name, JsonNode request) {
        put(name, () -> StoredCollection.fromCreateRequest(name, request));
    }

    private void put(String name, java.util.function.Supplier<StoredCollection> collection) {
        checkName(name);
        if (collections.containsKey(name)) {
            throw alreadyExists(name);
        }
        if (aliases.containsKey(name)) {
            throw QdrantError.wrongInput("Can't create collection with name " + name + ". Alias with the same name already exists");
        }
        collections.put(name, collection.get());
    }

    /** Qdrant's AlreadyExists: "Wrong input", but status 409. */
    private static QdrantError alreadyExists(String name) {
        return new QdrantError(409, "Wrong input: Collection `" + name + "` already exists!");
    }

    /** Deletes a collection and the aliases pointing at it; false when there was none. */
    public synchronized boolean delete(String name) {
        if (collections.remove(name) == null) {
            return false;
        }
        aliases.values().removeIf(name::equals);
        return true;
    }

    /** The collection named {@code nameOrAlias}, aliases resolved first as Qdrant does. */
    public synchronized Optional<StoredCollection> find(String nameOrAlias) {
        return Optional.ofNullable(collections.get(aliases.getOrDefault(nameOrAlias, nameOrAlias)));
    }

    StoredCollection require(String nameOrAlias) {
        return find(nameOrAlias).orElseThrow(() -> QdrantError.collectionNotFound(nameOrAlias));
    }

    public synchronized List<String> names() {
        return List.copyOf(collections.keySet());
    }

    /** Alias name to collection name, oldest first. */
    public synchronized Map<String, String> aliases() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    }

    /** The aliases pointing at {@code collection}, alias name to collection name. */
    public synchronized Map<String, String> aliasesOf(String collection) {
        Map<String, String> of = new LinkedHashMap<>();
        aliases.forEach((alias, target) -> {
            if (target.equals(collection)) {
                of.put(alias, target);
            }
        });
        return of;
    }

    /** Sets a collection's status: green, yellow, grey or red. */
    public void status(String collection, String status) {
        require(collection).status(status);
    }

    /**
     * Applies {@code create_alias}, {@code delete_alias} and {@code rename_alias} in order. Like
     * Qdrant, a failing action stops the batch but does not undo the actions before it; deleting a
     * missing alias is no error; an alias may not take a collection's name (409).
     */
    public synchronized void updateAliases(JsonNode request) {
        JsonNode actions = request.path("actions");
        if (!actions.isArray()) {
            throw QdrantError.format("missing field `actions`");
        }
        for (JsonNode action : actions) {
            if (action.has("create_alias")) {
                JsonNode create = action.get("create_alias");
                String collection = text(create, "collection_name");
                String alias = text(create, "alias_name");
                if (!collections.containsKey(collection)) {
                    throw QdrantError.collectionNotFound(collection);
                }
                if (collections.containsKey(alias)) {
                    throw alreadyExists(alias);
                }
                aliases.put(alias, collection);
            } else if (action.has("delete_alias")) {
                aliases.remove(text(action.get("delete_alias"), "alias_name"));
            } else if (action.has("rename_alias")) {
                JsonNode rename = action.get("rename_alias");
                String from = text(rename, "old_alias_name");
                String to = text(rename, "new_alias_name");
                String target = aliases.remove(from);
                if (target == null) {
                    throw aliasNotFound(from);
                }
                aliases.put(to, target);
            } else {
                throw QdrantError.format("actions: unknown alias operation " + action);
            }
        }
    }

    /** Upserts points given as the {@code points} array of an upsert request. */
    public void upsert(String nameOrAlias, JsonNode points) {
        require(nameOrAlias).upsert(points);
    }

    /**
     * Puts a collection read from a snapshot in place, as Qdrant's recovery does: a missing
     * collection is created with the snapshot's config; an existing one must have the snapshot's
     * whole VectorParams and shard_number, keeps its own config (hnsw, optimizers, quantization...)
     * and gets the snapshot's points instead of its own.
     */
    synchronized StoredCollection recover(String name, StoredCollection recovered) {
        StoredCollection existing = collections.get(name);
        if (existing == null) {
            checkName(name);
            collections.put(name, recovered);
            return recovered;
        }
        checkCompatible(existing, recovered);
        existing.replacePoints(recovered);
        return existing;
    }

    /** Qdrant's check before a snapshot goes into an existing collection: the same VectorParams and shard_number. */
    static void checkCompatible(StoredCollection existing, StoredCollection recovered) {
        if (!existing.vectorsJson().equals(recovered.vectorsJson())) {
            throw QdrantError.wrongInput("Snapshot is not compatible with existing collection: Collection vectors: "
                    + existing.vectorsJson() + " Snapshot Vectors: " + recovered.vectorsJson());
        }
        if (existing.shardNumber() != recovered.shardNumber()) {
            throw QdrantError.wrongInput("Snapshot is not compatible with existing collection: Collection shard number: "
                    + existing.shardNumber() + " Snapshot shard number: " + recovered.shardNumber());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw QdrantError.format("missing field `" + field + "`");
        }
        return value.asText();
    }

    private static QdrantError aliasNotFound(String alias) {
        return new QdrantError(404, "Not found: Alias " + alias + " does not exists!");
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.length() > 255) {
            throw new QdrantError(422, "Validation error in path parameters: [name: length must be between 1 and 255]");
        }
        for (char c : "<>:\"/\\|?*\0".toCharArray()) {
            if (name.indexOf(c) >= 0) {
                throw new QdrantError(422, "Validation error in path parameters: [name: collection name cannot contain \""
                        + c + "\" char]");
            }
        }
    }
}
