package dev.ragback.adapters.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.CollectionInfo;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Turns Qdrant's JSON results into the port's records. */
final class CollectionInfoReader {

    private CollectionInfoReader() {
    }

    static CollectionInfo collection(String name, JsonNode result) {
        JsonNode points = result.path("points_count");
        JsonNode config = result.get("config");
        return new CollectionInfo(name, result.path("status").asText(null),
                points.isIntegralNumber() ? points.asLong() : null,
                vectors(result.path("config").path("params").path("vectors")), config == null || !config.isObject() ? null : config);
    }

    /** {@code vectors} is either one unnamed {@code {size, distance}} or a map of named ones. */
    static List<CollectionInfo.VectorParams> vectors(JsonNode vectors) {
        List<CollectionInfo.VectorParams> params = new ArrayList<>();
        if (isVectorParams(vectors)) {
            params.add(vector("", vectors));
        } else if (vectors.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vectors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> named = it.next();
                if (isVectorParams(named.getValue())) {
                    params.add(vector(named.getKey(), named.getValue()));
                }
            }
        }
        return List.copyOf(params);
    }

    static List<String> collectionNames(JsonNode result) {
        List<String> names = new ArrayList<>();
        for (JsonNode collection : result.path("collections")) {
            names.add(collection.path("name").asText());
        }
        return List.copyOf(names);
    }

    static List<Alias> aliases(JsonNode result) {
        List<Alias> aliases = new ArrayList<>();
        for (JsonNode alias : result.path("aliases")) {
            aliases.add(new Alias(alias.path("alias_name").asText(), alias.path("collection_name").asText()));
        }
        return List.copyOf(aliases);
    }

    private static boolean isVectorParams(JsonNode node) {
        return node.path("size").isIntegralNumber() && node.path("distance").isTextual();
    }

    private static CollectionInfo.VectorParams vector(String name, JsonNode node) {
        return new CollectionInfo.VectorParams(name, node.path("size").asInt(), node.path("distance").asText());
    }
}
