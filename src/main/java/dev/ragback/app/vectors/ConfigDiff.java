package dev.ragback.app.vectors;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Differences between two collection configs as Qdrant reports them ({@code GET /collections/{c}}'s
 * {@code config}, or a snapshot's {@code config.json}): {@code path: live, snapshot} lines. A
 * member that is null or missing counts as unset on both sides, as Qdrant leaves unset ones out.
 */
public final class ConfigDiff {
    /** What Qdrant compares before it recovers a snapshot into an existing collection. */
    public static final List<String> RECOVERY_CHECKED = List.of("params.vectors", "params.shard_number");
    /** What {@code verify} compares: the whole config but the internal uuid and free-form metadata. */
    public static final List<String> VERIFIED = List.of("params", "hnsw_config", "optimizer_config", "wal_config",
            "quantization_config");

    private ConfigDiff() {
    }

    /** Differences under each of {@code sections} (dotted paths into the config). */
    public static List<String> of(JsonNode live, JsonNode snapshot, List<String> sections) {
        List<String> differences = new ArrayList<>();
        for (String section : sections) {
            compare(section, at(live, section), at(snapshot, section), differences);
        }
        return differences;
    }

    private static JsonNode at(JsonNode config, String dotted) {
        JsonNode node = config;
        for (String part : dotted.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return unset(node) ? null : node;
    }

    private static void compare(String path, JsonNode live, JsonNode snapshot, List<String> out) {
        if (unset(live) && unset(snapshot)) {
            return;
        }
        if (live != null && snapshot != null && live.isObject() && snapshot.isObject()) {
            Set<String> names = new TreeSet<>();
            live.fieldNames().forEachRemaining(names::add);
            snapshot.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(path + "." + name, live.get(name), snapshot.get(name), out);
            }
            return;
        }
        if (unset(live) || unset(snapshot) || !same(live, snapshot)) {
            out.add(path + ": " + show(live) + " live, " + show(snapshot) + " in the snapshot");
        }
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static boolean unset(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return true;
        }
        if (node.isObject()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                if (!unset(it.next())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static String show(JsonNode node) {
        return unset(node) ? "unset" : node.toString();
    }
}
