package dev.ragback.app.vectors;

import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.snapshot.Manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set's shards paired with a live collection's: by shard key, then in id order. With automatic sharding the
 * ids are the same; a collection made again with custom keys may number its shards differently.
 */
public final class ShardMatch {
    private ShardMatch() {
    }

    /** Each set shard with its live shard; a set shard the collection has no counterpart for maps to {@code null}. */
    public static Map<Manifest.ShardFile, ShardLayout.Shard> of(List<Manifest.ShardFile> files, ShardLayout layout) {
        Map<String, List<ShardLayout.Shard>> byKey = new LinkedHashMap<>();
        layout.shards().stream().sorted(Comparator.comparingInt(ShardLayout.Shard::id))
                .forEach(s -> byKey.computeIfAbsent(String.valueOf(s.key()), k -> new ArrayList<>()).add(s));
        Map<String, Integer> used = new LinkedHashMap<>();
        Map<Manifest.ShardFile, ShardLayout.Shard> placed = new LinkedHashMap<>();
        for (Manifest.ShardFile file : files.stream().sorted(Comparator.comparingInt(Manifest.ShardFile::shardId)).toList()) {
            String key = String.valueOf(file.shardKey());
            List<ShardLayout.Shard> candidates = byKey.getOrDefault(key, List.of());
            int next = used.merge(key, 1, Integer::sum) - 1;
            placed.put(file, next < candidates.size() ? candidates.get(next) : null);
        }
        return placed;
    }

    /** {@code 3 (key eu)} or {@code 3}: how messages name a set shard. */
    public static String name(Manifest.ShardFile file) {
        return file.shardId() + (file.shardKey() == null ? "" : " (key " + file.shardKey() + ")");
    }
}
