package dev.ragback.app.checks;

import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.vectors.ShardCounts;
import dev.ragback.app.vectors.ShardMatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** verify on a cluster: each of the set's shards beside the live one, its points and its replicas' states. */
public final class ShardCheck {
    private ShardCheck() {
    }

    /**
     * One shard.
     *
     * @param setShard    the shard id in the set
     * @param liveShard   the live collection's shard matched to it, or {@code null} when it has none
     * @param key         its custom shard key, or {@code null}
     * @param setPoints   points the set recorded for it
     * @param livePoints  points an Active replica holds now, counted exactly on its node, or {@code null}
     * @param replicas    {@code peer: state} of every replica
     * @param allActive   every replica Active
     */
    public record Row(int setShard, Integer liveShard, Object key, Long setPoints, Long livePoints, List<String> replicas,
                      boolean allActive) {
        public boolean equal() {
            return liveShard != null && allActive && (setPoints == null || setPoints.equals(livePoints));
        }
    }

    static List<Row> compare(ShardLayout layout, List<Manifest.ShardFile> files, List<String> problems) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Manifest.ShardFile, ShardLayout.Shard> entry : ShardMatch.of(files, layout).entrySet()) {
            Manifest.ShardFile file = entry.getKey();
            ShardLayout.Shard live = entry.getValue();
            if (live == null) {
                rows.add(new Row(file.shardId(), null, file.shardKey(), file.pointsCount(), null, List.of(), false));
                problems.add("shard " + ShardMatch.name(file) + ": the live collection has no such shard");
                continue;
            }
            Row row = new Row(file.shardId(), live.id(), file.shardKey(), file.pointsCount(), live.points(),
                    live.replicas().stream().map(r -> r.peer() + ": " + r.state()).toList(), live.allActive());
            rows.add(row);
            if (!row.allActive()) {
                problems.add("shard " + live.id() + " is not Active everywhere (" + String.join(", ", row.replicas()) + ")");
            } else if (!row.equal()) {
                problems.add("shard " + live.id() + ": " + (row.livePoints() == null ? "-" : row.livePoints()) + " points live, "
                        + row.setPoints() + " in the set");
            }
            String disagreement = ShardCounts.disagreement(live);
            if (!disagreement.isEmpty()) {
                problems.add("shard " + live.id() + ": its replicas hold different points (" + disagreement + ")");
            }
        }
        return List.copyOf(rows);
    }
}
